-- One row per ticket, its newest state (chosen at load; history in raw.ticket_history).
with

source as (

    select * from {{ source('raw', 'tickets') }}

),

renamed as (

    select
        ---------- ids
        ticket_id,
        call_id,
        caller_key,
        caller_number_masked,

        ---------- what
        ticket_type,
        severity,
        reason_code,
        district,
        department,
        callback_result,
        cast(order_amount as double) as order_amount,

        ---------- when (UTC)
        created_at,
        resolved_at,
        closed_at,
        callback_at,

        ---------- when (local)
        {{ to_local('created_at') }} as created_at_local,
        cast({{ to_local('created_at') }} as date) as created_date,

        ---------- lineage (the file of the ticket's newest state)
        _file_id as file_id

    from source

)

select * from renamed

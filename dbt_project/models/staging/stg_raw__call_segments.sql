-- One row per call segment, typed, with local times of the center. No joins, no rules: those
-- were applied at load (raw.rejected_rows holds what failed them).
with

source as (

    select * from {{ source('raw', 'calls') }}

),

renamed as (

    select
        ---------- ids
        call_id,
        cast(segment as integer) as segment,
        caller_key,
        caller_number_masked,
        ticket_id,
        agent_id,

        ---------- where
        service_number,
        district,
        queue,

        ---------- what
        end_reason,
        reason_code,
        priority,
        -- false: the export does not say how long an unanswered caller waited (docs/adapters.md)
        coalesce(is_wait_known, true) as is_wait_known,
        cast(hold_seconds as double) as hold_seconds,

        ---------- when (UTC)
        started_at,
        queued_at,
        answered_at,
        ended_at,
        wrapup_ended_at,

        ---------- when (local time of the center)
        {{ to_local('started_at') }} as started_at_local,
        {{ to_local('queued_at') }} as queued_at_local,
        {{ to_local('answered_at') }} as answered_at_local,
        {{ to_local('ended_at') }} as ended_at_local,

        ---------- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from source

)

select * from renamed

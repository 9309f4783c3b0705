-- One row per survey sent. The comment is free text and stays out of the marts (personal data
-- may occur in it); only whether there is one is passed on.
with

source as (

    select * from {{ source('raw', 'surveys') }}

),

renamed as (

    select
        ---------- ids
        survey_id,
        call_id,
        ticket_id,

        ---------- what
        channel,
        cast(csat_score as integer) as csat_score,
        cast(nps_score as integer) as nps_score,
        comment is not null as has_comment,

        ---------- when
        sent_at,
        responded_at,
        cast({{ to_local('sent_at') }} as date) as sent_date,

        ---------- lineage
        _file_id as file_id

    from source

)

select * from renamed

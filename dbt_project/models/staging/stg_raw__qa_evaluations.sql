-- One row per quality evaluation of a call.
with

source as (

    select * from {{ source('raw', 'qa_evaluations') }}

),

renamed as (

    select
        ---------- ids
        evaluation_id,
        call_id,
        agent_id,
        evaluator_id,

        ---------- scores
        cast(score as double) as score,
        coalesce(is_fatal, false) as is_fatal,

        ---------- when
        evaluated_at,
        cast({{ to_local('evaluated_at') }} as date) as evaluated_date

    from source

)

select * from renamed

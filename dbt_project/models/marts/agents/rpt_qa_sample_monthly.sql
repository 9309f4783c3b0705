{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='month_start',
        rebuild_grain='month',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- Each month, var qa_sample_per_agent (7) answered calls per agent for the quality team:
-- chosen at random but reproducibly (an md5 of the call id and var qa_sample_seed) and spread
-- over the month (one call from each seventh of the month first, then the next ones).
-- Incremental by month: the months the rebuilt days fall in are drawn again, whole.
with

answered as (

    select
        agent_id,
        call_id,
        segment,
        segment_date,
        cast({{ dbt.date_trunc('month', 'segment_date') }} as date) as month_start,
        answered_at,
        queue,
        district,
        reason_code,
        talk_seconds,
        {{ stable_hash("concat(call_id, '#', cast(segment as varchar))", var('qa_sample_seed')) }} as draw
    from {{ ref('fct_call_segments') }}
    where
        is_answered and agent_id is not null
        -- Whole months: those the rebuilt days fall in (macros/incremental.sql).
        and {{ reprocess_window('segment_date', 'month_start', grain='month') }}

),

spread as (

    select
        *,
        -- Which seventh of its month the call falls in (0..6).
        cast(floor(
            ({{ dbt.datediff('month_start', 'segment_date', 'day') }}) * {{ var('qa_sample_per_agent') }}
            / {{ dbt.datediff('month_start', dbt.dateadd('month', 1, 'month_start'), 'day') }}
        ) as integer) as part_of_month
    from answered

),

ordered as (

    select
        *,
        row_number() over (partition by agent_id, month_start, part_of_month order by draw) as pick_in_part
    from spread

),

sampled as (

    select
        *,
        row_number() over (partition by agent_id, month_start order by pick_in_part, draw) as sample_number
    from ordered

)

select
    month_start,
    agent_id,
    sample_number,
    call_id,
    segment,
    segment_date as call_date,
    answered_at,
    queue,
    district,
    reason_code,
    talk_seconds
from sampled
where sample_number <= {{ var('qa_sample_per_agent') }}

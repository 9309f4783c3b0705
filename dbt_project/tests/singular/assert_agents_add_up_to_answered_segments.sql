{{ config(meta={'dagster': {'ref': {'name': 'rpt_agent_daily'}}}) }}

-- Agents' answered calls (per answered segment) add up to the center's answered segments,
-- day by day. A row here is a day where an answered segment has no agent or is counted twice.
with

agents as (

    select
        call_date,
        sum(answered) as answered
    from {{ ref('rpt_agent_daily') }}
    group by call_date

),

segments as (

    select
        segment_date as call_date,
        count(*) as answered
    from {{ ref('fct_call_segments') }}
    where is_answered
    group by segment_date

)

select
    segments.call_date,
    segments.answered as center_answered_segments,
    agents.answered as agents_answered
from segments
left join agents on segments.call_date = agents.call_date
where segments.answered != coalesce(agents.answered, 0)

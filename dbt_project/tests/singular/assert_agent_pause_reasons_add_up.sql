-- The pause reasons of each agent interval add up to its paused time (rows returned = failures).
with

reasons as (

    select
        agent_id,
        interval_minutes,
        interval_start_utc,
        sum(paused_seconds) as paused_seconds
    from {{ ref('rpt_agent_interval_pauses') }}
    group by agent_id, interval_minutes, interval_start_utc

)

select
    intervals.agent_id,
    intervals.interval_minutes,
    intervals.interval_start_utc,
    intervals.paused_seconds,
    reasons.paused_seconds as reason_seconds
from {{ ref('rpt_agent_interval_time') }} as intervals
full outer join reasons
    on
        intervals.agent_id = reasons.agent_id
        and intervals.interval_minutes = reasons.interval_minutes
        and intervals.interval_start_utc = reasons.interval_start_utc
where abs(coalesce(intervals.paused_seconds, 0) - coalesce(reasons.paused_seconds, 0)) > 0.001

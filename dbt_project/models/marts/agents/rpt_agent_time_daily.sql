{{ config(materialized='table') }}
-- One row per agent and local date with agent events: the day's logged-in, paused, talk, wrap-up
-- and idle time, occupancy, utilisation, and phone time (talk, hold included: answer to end of
-- call, from the switch) against var max_phone_hours_per_day (docs/workforce.md, "Agent time").
with

days as (

    select
        agent_id,
        any_value(team) as team,
        call_date,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(paused_seconds) as paused_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(wrapup_seconds) as wrapup_seconds,
        sum(idle_seconds) as idle_seconds,
        sum(available_seconds) as available_seconds,
        sum(call_logged_out_seconds) as call_logged_out_seconds,
        bool_or(is_session_closed_without_logoff) as is_session_closed_without_logoff,
        min(case when logged_in_seconds > 0 then interval_start end) as first_logged_in_interval,
        max(case when logged_in_seconds > 0 then interval_start end) as last_logged_in_interval
    from {{ ref('rpt_agent_interval_time') }}
    where interval_minutes = 15
    group by agent_id, call_date

)

select
    *,
    {{ safe_ratio('talk_seconds + wrapup_seconds', 'available_seconds') }} as occupancy,
    {{ safe_ratio('talk_seconds + wrapup_seconds', 'logged_in_seconds') }} as utilisation,
    talk_seconds + call_logged_out_seconds as phone_seconds,
    (talk_seconds + call_logged_out_seconds) / 3600.0
    > {{ var('max_phone_hours_per_day') }} as is_over_phone_cap
from days

{{ config(materialized='table') }}
-- One row per agent and local interval (15 and 30 minutes) in which the switch's agent events
-- show the agent logged in, or on a call while logged out: logged-in, paused, talk, wrap-up and
-- idle seconds, occupancy and utilisation (docs/workforce.md, "Agent time"). Only agents with
-- agent events (a queue_log export) appear; a center without them has an empty table.
with

by_grain as (

    select * from {{ ref('int_agent_state_intervals') }}

),

summed as (

    select
        agent_id,
        interval_minutes,
        interval_start_utc,
        sum(case when state = 'talk' then piece_seconds else 0 end) as talk_seconds,
        sum(case when state = 'wrapup' then piece_seconds else 0 end) as wrapup_seconds,
        sum(case when state = 'paused' then piece_seconds else 0 end) as paused_seconds,
        sum(case when state = 'idle' then piece_seconds else 0 end) as idle_seconds,
        sum(case when state = 'call_logged_out' then piece_seconds else 0 end) as call_logged_out_seconds,
        bool_or(is_in_session_closed_without_logoff) as is_session_closed_without_logoff
    from by_grain
    group by agent_id, interval_minutes, interval_start_utc

)

select
    summed.agent_id,
    agents.team,
    cast({{ to_local('summed.interval_start_utc') }} as date) as call_date,
    summed.interval_minutes,
    {{ to_local('summed.interval_start_utc') }} as interval_start,
    summed.interval_start_utc,
    summed.talk_seconds + summed.wrapup_seconds + summed.paused_seconds + summed.idle_seconds
        as logged_in_seconds,
    summed.paused_seconds,
    summed.talk_seconds,
    summed.wrapup_seconds,
    summed.idle_seconds,
    summed.talk_seconds + summed.wrapup_seconds + summed.idle_seconds as available_seconds,
    {{ safe_ratio('summed.talk_seconds + summed.wrapup_seconds',
                  'summed.talk_seconds + summed.wrapup_seconds + summed.idle_seconds') }} as occupancy,
    {{ safe_ratio('summed.talk_seconds + summed.wrapup_seconds',
                  'summed.talk_seconds + summed.wrapup_seconds + summed.paused_seconds + summed.idle_seconds') }}
        as utilisation,
    summed.call_logged_out_seconds,
    summed.is_session_closed_without_logoff
from summed
left join {{ ref('stg_raw__agents') }} as agents on summed.agent_id = agents.agent_id

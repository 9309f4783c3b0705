{{ config(materialized='table') }}
-- One row per agent, local interval (15 and 30 minutes) and pause reason: the seconds the agent
-- was logged in, paused with that reason and not on a call (docs/workforce.md, "Agent time").
-- The reasons add up to rpt_agent_interval_time.paused_seconds.
with

by_grain as (

    select * from {{ ref('int_agent_state_intervals') }}
    where state = 'paused'

)

select
    agent_id,
    cast({{ to_local('interval_start_utc') }} as date) as call_date,
    interval_minutes,
    {{ to_local('interval_start_utc') }} as interval_start,
    interval_start_utc,
    pause_reason,
    sum(piece_seconds) as paused_seconds
from by_grain
group by agent_id, interval_minutes, interval_start_utc, pause_reason

{{ config(materialized='table') }}
-- One row per agent, local interval (15 and 30 minutes) and pause reason: the seconds the agent
-- was logged in, paused with that reason and not on a call (docs/workforce.md, "Agent time").
-- The reasons add up to rpt_agent_interval_time.paused_seconds.
with

pieces as (

    select
        states.agent_id,
        states.pause_reason,
        pieces.piece_start_utc,
        pieces.piece_seconds
    from {{ ref('int_agent_states') }} as states,
        {{ interval_pieces('states.start_at', 'states.end_at', 15) }}
    where states.state = 'paused'

),

by_grain as (

    {% for minutes in [15, 30] %}
        select
            agent_id,
            pause_reason,
            {{ minutes }} as interval_minutes,
            {{ interval_start('piece_start_utc', minutes) }} as interval_start_utc,
            piece_seconds
        from pieces
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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

-- One row per stretch of int_agent_states and local interval grain (15 and 30 minutes) it falls
-- in: the seconds of the stretch inside each interval. A stretch across an interval boundary (a
-- pause across midnight) is split between the intervals; boundaries are UTC instants, so a
-- daylight-saving day has its real length. The agent-time marts sum these.
with

pieces as (

    select
        states.agent_id,
        states.state,
        states.pause_reason,
        states.is_in_session_closed_without_logoff,
        pieces.piece_start_utc,
        pieces.piece_seconds
    from {{ ref('int_agent_states') }} as states,
        {{ interval_pieces('states.start_at', 'states.end_at', 15) }}

)

{% for minutes in [15, 30] %}
    select
        agent_id,
        state,
        pause_reason,
        is_in_session_closed_without_logoff,
        {{ minutes }} as interval_minutes,
        {{ interval_start('piece_start_utc', minutes) }} as interval_start_utc,
        piece_seconds
    from pieces
    {% if not loop.last %}union all{% endif %}
{% endfor %}

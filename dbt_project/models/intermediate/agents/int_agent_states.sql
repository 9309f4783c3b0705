{{ config(materialized='table') }}
-- One row per agent and stretch of time in one state (talk, wrapup, paused, idle, or on a call
-- while logged out), from the switch's agent events and the agent's answered calls. The rules
-- (docs/workforce.md, "Agent time"):
--   - Logged in: from a login (AGENTLOGIN, AGENTCALLBACKLOGIN, ADDMEMBER) to the next logoff of the
--     same queue membership (AGENTLOGOFF, AGENTCALLBACKLOGOFF, REMOVEMEMBER). A session with no
--     logoff before the next login, or none within var max_session_hours, is closed at the end of
--     its local day and flagged. Sessions in several queues, or repeated logins, count once:
--     the agent is logged in while logged in to any queue.
--   - Paused: from a PAUSE (its reason) to the next UNPAUSE or a PAUSE with another reason, and at
--     the latest at the end of the session it started in.
--   - At any moment the agent is in one state, by priority: talk (answer to end of a call) >
--     wrapup (end of the call to the end of its wrap-up) > paused > idle.
with

events as (

    select * from {{ ref('stg_raw__agent_events') }}
    where event_kind is not null

),

-- Sessions, per agent and queue membership (logins without a queue form one membership, '*').
memberships as (

    select
        agent_id,
        event_at,
        event_at_local,
        event_kind,
        _file_id,
        _row_number,
        coalesce(queue, '*') as membership,
        lag(event_kind) over by_membership as previous_kind,
        lag(event_at_local) over by_membership as previous_at_local
    from events
    where event_kind in ('login', 'logoff')
    window by_membership as (
        partition by agent_id, coalesce(queue, '*') order by event_at, _file_id, _row_number
    )

),

-- A login starts a session when the agent was logged out of that queue, or when the login before
-- it (never logged off) was on an earlier local day: that session was closed at midnight.
marked as (

    select
        *,
        event_kind = 'login' and (
            previous_kind is null
            or previous_kind = 'logoff'
            or cast(previous_at_local as date) < cast(event_at_local as date)
        ) as is_start
    from memberships

),

bounded as (

    select
        agent_id,
        membership,
        is_start,
        event_at as login_at,
        {{ from_local(add_days('cast(cast(event_at_local as date) as timestamp)', 1)) }} as midnight_after,
        first_value(case when event_kind = 'logoff' then event_at end ignore nulls) over later
            as next_logoff_at,
        first_value(case when is_start then event_at end ignore nulls) over later as next_start_at
    from marked
    window later as (
        partition by agent_id, membership order by event_at, _file_id, _row_number
        rows between 1 following and unbounded following
    )

),

sessions as (

    select
        agent_id,
        membership,
        login_at,
        coalesce(has_logoff, false) as has_logoff,
        case
            when has_logoff then next_logoff_at
            else least(midnight_after, coalesce(next_start_at, midnight_after))
        end as logoff_at
    from (
        select
            *,
            next_logoff_at is not null
            and (next_start_at is null or next_logoff_at <= next_start_at)
            and next_logoff_at <= {{ add_minutes('login_at', var('max_session_hours') * 60) }} as has_logoff
        from bounded
        where is_start
    ) as checked

),

-- Overlapping sessions (several queues, a second login) merged into spans of logged-in time.
-- Both windows order the sessions the same total way (membership breaks ties: sessions of several
-- queues start at the same instant), or a tie could open a span inside another.
reaching as (

    select
        *,
        max(logoff_at) over (
            partition by agent_id
            order by login_at, logoff_at, membership rows between unbounded preceding and 1 preceding
        ) as reach_before
    from sessions
    where logoff_at > login_at

),

logged_in as (

    select
        agent_id,
        min(login_at) as start_at,
        max(logoff_at) as end_at,
        bool_or(not has_logoff) as is_closed_without_logoff
    from (
        select
            *,
            sum(case when reach_before is null or login_at > reach_before then 1 else 0 end) over (
                partition by agent_id order by login_at, logoff_at, membership rows unbounded preceding
            ) as span_number
        from reaching
    ) as numbered
    group by agent_id, span_number

),

-- Pauses: the pause state changes at each PAUSE (to its reason) and UNPAUSE (to NULL).
pause_changes as (

    select
        agent_id,
        event_at,
        _file_id,
        _row_number,
        case when event_kind = 'pause' then pause_reason end as pause_reason,
        lag(case when event_kind = 'pause' then pause_reason end) over (
            partition by agent_id order by event_at, _file_id, _row_number
        ) as previous_reason,
        row_number() over (partition by agent_id order by event_at, _file_id, _row_number) as event_number
    from events
    where event_kind in ('pause', 'unpause')

),

pause_spans as (

    select
        agent_id,
        pause_reason,
        event_at as start_at,
        lead(event_at) over (partition by agent_id order by event_at, _file_id, _row_number) as next_change_at
    from pause_changes
    -- Repeated lines of one state (a PAUSE per queue) change nothing.
    where event_number = 1 or pause_reason is distinct from previous_reason

),

paused as (

    select
        pauses.agent_id,
        pauses.pause_reason,
        pauses.start_at,
        least(coalesce(pauses.next_change_at, spans.end_at), spans.end_at) as end_at
    from pause_spans as pauses
    inner join logged_in as spans
        on
            pauses.agent_id = spans.agent_id
            and pauses.start_at >= spans.start_at
            and pauses.start_at < spans.end_at
    where pauses.pause_reason is not null

),

-- The calls of the agents the switch reports on: talk (answer to end), then wrap-up.
calls as (

    select
        agent_id,
        answered_at as start_at,
        ended_at as end_at,
        'talk' as kind
    from {{ ref('fct_call_segments') }}
    where is_answered and ended_at > answered_at and agent_id in (select events.agent_id from events)

    union all

    select
        agent_id,
        ended_at as start_at,
        wrapup_ended_at as end_at,
        'wrapup' as kind
    from {{ ref('fct_call_segments') }}
    where is_answered and wrapup_ended_at > ended_at and agent_id in (select events.agent_id from events)

),

spans as (

    select
        agent_id,
        start_at,
        end_at,
        'logged_in' as kind,
        is_closed_without_logoff as is_flagged
    from logged_in
    union all
    select
        agent_id,
        start_at,
        end_at,
        'paused' as kind,
        false as is_flagged
    from paused
    where end_at > start_at
    union all
    select
        agent_id,
        start_at,
        end_at,
        kind,
        false as is_flagged
    from calls

),

-- Sweep: +1 where a span starts, -1 where it ends; between two change points the counts of open
-- spans of each kind give the state.
changes as (

    select
        agent_id,
        changed_at,
        sum(case when kind = 'logged_in' then delta else 0 end) as logged_in_delta,
        sum(case when kind = 'logged_in' and is_flagged then delta else 0 end) as flagged_delta,
        sum(case when kind = 'paused' then delta else 0 end) as paused_delta,
        sum(case when kind = 'talk' then delta else 0 end) as talk_delta,
        sum(case when kind = 'wrapup' then delta else 0 end) as wrapup_delta
    from (
        select
            agent_id,
            start_at as changed_at,
            kind,
            is_flagged,
            1 as delta
        from spans
        union all
        select
            agent_id,
            end_at as changed_at,
            kind,
            is_flagged,
            -1 as delta
        from spans
    ) as points
    group by agent_id, changed_at

),

running as (

    select
        agent_id,
        changed_at as start_at,
        lead(changed_at) over (partition by agent_id order by changed_at) as end_at,
        sum(logged_in_delta) over up_to_here as logged_in_open,
        sum(flagged_delta) over up_to_here as flagged_open,
        sum(paused_delta) over up_to_here as paused_open,
        sum(talk_delta) over up_to_here as talk_open,
        sum(wrapup_delta) over up_to_here as wrapup_open
    from changes
    window up_to_here as (partition by agent_id order by changed_at rows unbounded preceding)

),

states as (

    select
        agent_id,
        start_at,
        end_at,
        flagged_open > 0 as is_in_session_closed_without_logoff,
        case
            when logged_in_open > 0 and talk_open > 0 then 'talk'
            when logged_in_open > 0 and wrapup_open > 0 then 'wrapup'
            when logged_in_open > 0 and paused_open > 0 then 'paused'
            when logged_in_open > 0 then 'idle'
            when talk_open > 0 or wrapup_open > 0 then 'call_logged_out'
        end as state
    from running
    where end_at > start_at

)

select
    states.agent_id,
    states.state,
    paused.pause_reason,
    states.start_at,
    states.end_at,
    states.is_in_session_closed_without_logoff
from states
left join paused
    on
        states.state = 'paused'
        and states.agent_id = paused.agent_id
        and states.start_at >= paused.start_at
        and states.start_at < paused.end_at
where states.state is not null

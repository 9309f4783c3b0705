-- One row per agent event of a switch's queue_log, typed, with the center's local time and the
-- kind of state change it is (login, logoff, pause, unpause; NULL for events that change no
-- state, such as RINGNOANSWER). No rules: sessions and pauses are built in int_agent_states.
with

source as (

    select * from {{ source('raw', 'agent_events') }}

),

typed as (

    select
        agent_id,
        nullif(queue, 'NONE') as queue,
        event,
        event_at,
        {{ to_local('event_at') }} as event_at_local,
        case
            when event in ('AGENTLOGIN', 'AGENTCALLBACKLOGIN', 'ADDMEMBER') then 'login'
            when event in ('AGENTLOGOFF', 'AGENTCALLBACKLOGOFF', 'REMOVEMEMBER') then 'logoff'
            when event in ('PAUSE', 'PAUSEALL', 'PAUSECUSTOM') then 'pause'
            when event in ('UNPAUSE', 'UNPAUSEALL') then 'unpause'
        end as event_kind,
        -- The switch writes the reason as the pause's first data field; none given: unspecified.
        case
            when event in ('PAUSE', 'PAUSEALL', 'PAUSECUSTOM')
                then coalesce(nullif(trim(split_part(coalesce(data, ''), '|', 1)), ''), 'unspecified')
        end as pause_reason,
        _file_id,
        _row_number

    from source
    where agent_id is not null

)

select * from typed

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='ticket_id',
        rebuild_by='key',
        pre_hook="{{ record_changed_keys(fct_tickets_to_rebuild()) }}",
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per ticket (newest state), with its SLA target and whether it was met. Tickets still
-- open are judged against the newest timestamp in the warehouse ("as of"). Incremental by ticket:
-- a daily run rebuilds the tickets that changed, the open ones and those whose call arrived
-- (macros/tickets.sql), not the year of closed tickets before them.
with

tickets as (

    select * from {{ ref('stg_raw__tickets') }}
    {% if is_incremental() %}
        where ticket_id in ({{ fct_tickets_to_rebuild() }})
    {% endif %}

),

targets as (

    select * from {{ ref('sla_targets') }}

),

as_of as (

    select max(latest) as as_of_at
    from (
        select max(started_at) as latest from {{ ref('stg_raw__call_segments') }}
        union all
        select max(created_at) from tickets
    ) as newest

),

agents as (

    select
        call_id,
        agent_id,
        call_date
    from {{ ref('int_calls_collapsed') }}

),

with_target as (

    select
        tickets.ticket_id,
        tickets.ticket_type,
        tickets.severity,
        tickets.reason_code,
        tickets.district,
        tickets.department,
        tickets.call_id,
        agents.agent_id,
        agents.call_date,
        tickets.caller_key,
        tickets.created_at,
        tickets.resolved_at,
        tickets.closed_at,
        tickets.callback_at,
        tickets.created_date,
        tickets.callback_result,
        tickets.order_amount,
        coalesce(by_severity.target_hours, any_severity.target_hours) as target_hours,
        case
            when tickets.resolved_at is not null
                then {{ seconds_between('tickets.created_at', 'tickets.resolved_at') }} / 3600.0
        end as hours_to_resolve,
        -- "As of" concerns open tickets only: a resolved one keeps no time that moves daily.
        case
            when tickets.resolved_at is null
                then {{ seconds_between('tickets.created_at', 'as_of.as_of_at') }} / 3600.0
        end as hours_open_as_of,
        case when tickets.resolved_at is null then as_of.as_of_at end as as_of_at
    from tickets
    cross join as_of
    left join agents on tickets.call_id = agents.call_id
    left join targets as by_severity
        on tickets.ticket_type = by_severity.ticket_type and tickets.severity = by_severity.severity
    left join targets as any_severity
        on tickets.ticket_type = any_severity.ticket_type and any_severity.severity is null

),

final as (

    select
        *,
        resolved_at is not null as is_resolved,
        case
            when target_hours is not null and resolved_at is not null then hours_to_resolve <= target_hours
        end as is_resolved_within_target,
        target_hours is not null and resolved_at is null and hours_open_as_of > target_hours
            as is_open_past_target,
        ticket_type in ('repair', 'installation') as is_callback_expected
    from with_target

)

select * from final

-- One row per local creation date, ticket type, severity and district: tickets created,
-- resolved, resolved within their SLA target, still open past it, hours to resolve, callbacks
-- (回访) and phone orders (电话订购).
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

grouped as (

    select
        created_date,
        ticket_type,
        coalesce(severity, 'n/a') as severity,
        district,
        max(target_hours) as target_hours,
        count(*) as created,
        count(case when is_resolved then 1 end) as resolved,
        count(case when is_resolved_within_target then 1 end) as resolved_within_target,
        count(case when is_resolved_within_target = false then 1 end) as resolved_late,
        count(case when is_open_past_target then 1 end) as open_past_target,
        count(case when not is_resolved then 1 end) as still_open,
        percentile_cont(0.5) within group (order by hours_to_resolve) as median_hours_to_resolve,
        percentile_cont(0.9) within group (order by hours_to_resolve) as p90_hours_to_resolve,
        count(case when is_callback_expected and is_resolved then 1 end) as callbacks_expected,
        count(case when is_callback_expected and callback_at is not null then 1 end) as callbacks_made,
        count(case when is_callback_expected and callback_result = 'satisfied' then 1 end)
            as callback_satisfied,
        count(case when is_callback_expected and callback_result = 'unsatisfied' then 1 end)
            as callback_unsatisfied,
        count(case when is_callback_expected and callback_result = 'unreachable' then 1 end)
            as callback_unreachable,
        count(case when ticket_type = 'order' then 1 end) as phone_orders,
        sum(case when ticket_type = 'order' then order_amount end) as phone_order_amount
    from tickets
    group by 1, 2, 3, 4

)

select
    grouped.*,
    targets.target_share as compliance_target,
    {{ safe_ratio('resolved_within_target', 'resolved_within_target + resolved_late') }} as sla_compliance,
    {{ safe_ratio('callbacks_made', 'callbacks_expected') }} as callback_rate,
    {{ safe_ratio('callback_satisfied', 'callback_satisfied + callback_unsatisfied') }}
        as callback_satisfaction
from grouped
left join {{ ref('sla_targets') }} as targets
    on grouped.ticket_type = targets.ticket_type and targets.severity is null

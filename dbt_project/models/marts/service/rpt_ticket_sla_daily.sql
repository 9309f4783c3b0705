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
        {{ measure_columns('tickets') }},
        percentile_cont(0.5) within group (order by hours_to_resolve) as median_hours_to_resolve,
        percentile_cont(0.9) within group (order by hours_to_resolve) as p90_hours_to_resolve
    from tickets
    group by 1, 2, 3, 4

)

select
    grouped.*,
    targets.target_share as compliance_target,
    {{ metric_columns('tickets', only=['sla_compliance', 'callback_rate', 'callback_satisfaction']) }}
from grouped
left join {{ ref('sla_targets') }} as targets
    on grouped.ticket_type = targets.ticket_type and targets.severity is null

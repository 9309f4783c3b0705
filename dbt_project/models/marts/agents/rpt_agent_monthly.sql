-- One row per agent and month with answered calls: the same figures as rpt_agent_daily over the
-- month, days over the phone-time cap, and rankings with the change since the previous month.
with figures as (
    select * from {{ ref('int_agent_period_figures') }}
    where period_type = 'month'
)

select
    agent_id,
    agent_name,
    team,
    role,
    period_start as month_start,
    days_worked,
    {{ agent_report_figures() }},
    days_over_phone_cap,
    days_over_phone_cap > 0 as is_over_phone_cap,
    rank_in_team,
    rank_in_center,
    {{ rank_change('rank_in_team', dbt.dateadd('month', -1, 'period_start')) }} as rank_in_team_change,
    {{ rank_change('rank_in_center', dbt.dateadd('month', -1, 'period_start')) }} as rank_in_center_change
from figures

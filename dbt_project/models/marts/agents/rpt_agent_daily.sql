-- One row per agent and local date with answered calls: volume, handling, quality, orders,
-- phone time against the daily cap, and rankings within the team and the center.
with figures as (
    select * from {{ ref('int_agent_period_figures') }}
    where period_type = 'day'
)

select
    agent_id,
    agent_name,
    team,
    role,
    period_start as call_date,
    {{ agent_report_figures() }},
    phone_hours > {{ var('max_phone_hours_per_day') }} as is_over_phone_cap,
    rank_in_team,
    rank_in_center,
    {{ rank_change('rank_in_team', dbt.dateadd('day', -1, 'period_start')) }} as rank_in_team_change,
    {{ rank_change('rank_in_center', dbt.dateadd('day', -1, 'period_start')) }} as rank_in_center_change
from figures

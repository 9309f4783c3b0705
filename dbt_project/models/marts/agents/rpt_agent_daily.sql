-- One row per agent and local date with answered calls: volume, handling, quality, orders,
-- phone time against the daily cap, and rankings within the team and the center.
with figures as (
    {{ agent_period_figures(as_day) }}
)

select
    agent_id,
    agent_name,
    team,
    role,
    period_start as call_date,
    answered,
    talk_seconds,
    hold_seconds,
    acw_seconds_total,
    acw_known_segments,
    handle_seconds,
    aht_seconds,
    acw_seconds,
    transfers_out,
    transfer_rate,
    fcr_eligible,
    fcr_resolved,
    fcr_rate,
    is_fcr_final,
    csat_scored,
    csat,
    qa_evaluations,
    qa_score,
    qa_fatal_errors,
    phone_orders,
    phone_order_amount,
    phone_hours,
    phone_hours > {{ var('max_phone_hours_per_day') }} as is_over_phone_cap,
    rank_in_team,
    rank_in_center,
    {{ rank_change('rank_in_team', dbt.dateadd('day', -1, 'period_start')) }} as rank_in_team_change,
    {{ rank_change('rank_in_center', dbt.dateadd('day', -1, 'period_start')) }} as rank_in_center_change
from figures

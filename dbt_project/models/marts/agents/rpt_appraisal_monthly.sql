-- One row per month, person and appraisal component: the rank-tier scorecard for agents and
-- team leaders, components and weights from seeds/appraisal_components.csv. Person-level
-- totals (static, dynamic, total points, place) repeat on each of the person's rows.
with

monthly as (

    select * from {{ ref('rpt_agent_monthly') }}

),

agent_metrics as (

    {% for metric in ['answered', 'qa_score', 'phone_orders', 'csat'] %}
        select
            month_start,
            agent_id,
            '{{ metric }}' as metric,
            cast({{ metric }} as double) as value
        from monthly
        where role = 'agent'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

agent_components as (
    {{ appraise('agent_metrics', 'agent') }}
),

agent_scores as (
    {{ score_components('agent_components') }}
),

agent_totals as (

    select distinct
        month_start,
        agent_id,
        total_points
    from agent_scores

),

teams as (

    select
        monthly.month_start,
        monthly.team,
        avg(cast(monthly.answered as double)) as avg_answered_per_agent,
        -- The team's QA score is the mean over its evaluations, not a mean of its agents' means.
        {{ safe_ratio('sum(monthly.qa_score_total)', 'sum(monthly.qa_evaluations)') }} as qa_score,
        sum(cast(monthly.phone_orders as double)) as phone_orders,
        avg(agent_totals.total_points) as team_appraisal_avg
    from monthly
    left join agent_totals
        on monthly.month_start = agent_totals.month_start and monthly.agent_id = agent_totals.agent_id
    where monthly.role = 'agent'
    group by 1, 2

),

leader_metrics as (

    {% for metric in ['avg_answered_per_agent', 'qa_score', 'phone_orders', 'team_appraisal_avg'] %}
        select
            teams.month_start,
            leaders.agent_id,
            '{{ metric }}' as metric,
            teams.{{ metric }} as value
        from teams
        inner join {{ ref('dim_agents') }} as leaders
            on teams.team = leaders.team and leaders.role = 'team_leader'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

leader_components as (
    {{ appraise('leader_metrics', 'team_leader') }}
),

leader_scores as (
    {{ score_components('leader_components') }}
),

scores as (

    select * from agent_scores
    union all
    select * from leader_scores

)

select
    scores.month_start,
    scores.peer_group,
    scores.agent_id,
    agents.agent_name,
    agents.team,
    scores.component_code,
    scores.component_name_zh,
    scores.component_name_en,
    scores.metric,
    scores.metric_value,
    scores.component_rank,
    scores.peer_group_size,
    scores.tier,
    scores.component_points,
    scores.points_earned,
    scores.static_points,
    scores.place,
    scores.places_gained,
    scores.dynamic_points,
    scores.total_points
from scores
left join {{ ref('dim_agents') }} as agents on scores.agent_id = agents.agent_id

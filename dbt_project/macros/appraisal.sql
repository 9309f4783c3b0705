{#
    Rank-tier scorecard (docs/metrics.md, "Monthly appraisal"). metrics_relation has one row per
    month_start, agent_id, metric, value; the components of peer_group (seed
    appraisal_components) say which metrics count and for how many points. Within the peer
    group each component is ranked: tier A (first eighth) earns 100 % of its points, B (next
    quarter) 80 %, C (next quarter) 60 %, D (next quarter) 40 %, E (last eighth) 20 %. A missing
    value ranks last. The static points add up; a dynamic part starts at 10 and adds (or takes
    away) 1, 2, 3, 4, 6, 8, 10 points for 1, 2, 3, 4, 5, 6, 7+ places gained (lost) since the
    previous month, within 0..20.
#}
{% macro appraise(metrics_relation, peer_group) %}
    select
        metrics.month_start,
        metrics.agent_id,
        '{{ peer_group }}' as peer_group,
        components.component_code,
        components.component_name_zh,
        components.component_name_en,
        components.metric,
        metrics.value as metric_value,
        components.points as component_points,
        case when metrics.value is not null then rank() over (
            partition by metrics.month_start, components.component_code
            order by case when components.higher_is_better then metrics.value else -metrics.value end desc nulls last
        ) end as component_rank,
        count(metrics.value) over (partition by metrics.month_start, components.component_code) as peer_group_size
    from {{ metrics_relation }} as metrics
    inner join {{ ref('appraisal_components') }} as components
        on components.peer_group = '{{ peer_group }}' and components.metric = metrics.metric
{% endmacro %}

{% macro tier_of(rank_column, size_column) -%}
    case
        when {{ rank_column }} is null then null
        when ({{ rank_column }} - 1) * 8 < {{ size_column }} then 'A'
        when ({{ rank_column }} - 1) * 8 < 3 * {{ size_column }} then 'B'
        when ({{ rank_column }} - 1) * 8 < 5 * {{ size_column }} then 'C'
        when ({{ rank_column }} - 1) * 8 < 7 * {{ size_column }} then 'D'
        else 'E'
    end
{%- endmacro %}

{% macro tier_factor(tier_column) -%}
    case {{ tier_column }} when 'A' then 1.0 when 'B' then 0.8 when 'C' then 0.6 when 'D' then 0.4 when 'E' then 0.2 end
{%- endmacro %}

{% macro dynamic_points(places_gained) -%}
    case
        when {{ places_gained }} is null then 10
        else least(20, greatest(0, 10 + sign({{ places_gained }}) * case
            when abs({{ places_gained }}) >= 7 then 10
            when abs({{ places_gained }}) = 6 then 8
            when abs({{ places_gained }}) = 5 then 6
            else abs({{ places_gained }})
        end))
    end
{%- endmacro %}

{#
    From component rows (appraise) to the scorecard: tier and points per component, static
    points, place in the peer group, places gained since last month, dynamic and total points.
#}
{% macro score_components(component_relation) %}
    with tiered as (
        select
            *,
            {{ tier_of('component_rank', 'peer_group_size') }} as tier
        from {{ component_relation }}
    ),

    earned as (
        select
            *,
            coalesce(component_points * {{ tier_factor('tier') }}, 0) as points_earned
        from tiered
    ),

    totals as (
        select
            month_start,
            agent_id,
            sum(points_earned) as static_points
        from earned
        group by 1, 2
    ),

    placed as (
        select
            *,
            rank() over (partition by month_start order by static_points desc) as place
        from totals
    ),

    moved as (
        select
            *,
            case
                when lag(month_start) over (partition by agent_id order by month_start)
                    = {{ dbt.dateadd('month', -1, 'month_start') }}
                    then lag(place) over (partition by agent_id order by month_start) - place
            end as places_gained
        from placed
    )

    select
        earned.*,
        moved.static_points,
        moved.place,
        moved.places_gained,
        {{ dynamic_points('moved.places_gained') }} as dynamic_points,
        moved.static_points + {{ dynamic_points('moved.places_gained') }} as total_points
    from earned
    inner join moved on earned.month_start = moved.month_start and earned.agent_id = moved.agent_id
{% endmacro %}

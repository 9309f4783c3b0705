-- Top-5 repeat-call reasons (重复来电前五原因) per day, week and month, for the center
-- (district = 'all') and each district: the reason codes of answered calls NOT resolved at
-- first contact, ranked by count, with their share of all such calls and the owning department.
with

unresolved as (

    select
        calls.call_date,
        calls.district,
        calls.reason_code,
        calls.is_fcr_final
    from {{ ref('fct_calls') }} as calls
    where calls.is_fcr = false

),

periods as (

    {% for period_type, expr in [('day', 'call_date'),
                                 ('week', 'cast(' ~ dbt.date_trunc('week', 'call_date') ~ ' as date)'),
                                 ('month', 'cast(' ~ dbt.date_trunc('month', 'call_date') ~ ' as date)')] %}
        {% for district_expr in ['district', "'all'"] %}
            select
                '{{ period_type }}' as period_type,
                {{ expr }} as period_start,
                {{ district_expr }} as district,  -- noqa: AL09
                reason_code,
                is_fcr_final
            from unresolved
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counted as (

    select
        period_type,
        period_start,
        district,
        reason_code,
        count(*) as repeat_calls,
        count(case when is_fcr_final = false then 1 end) as provisional_calls
    from periods
    group by 1, 2, 3, 4

),

totals as (

    select
        *,
        sum(repeat_calls) over (partition by period_type, period_start, district) as unresolved_calls,
        sum(provisional_calls) over (partition by period_type, period_start, district) as period_provisional
    from counted

),

ranked as (

    select
        *,
        row_number() over (
            partition by period_type, period_start, district
            order by repeat_calls desc, reason_code asc
        ) as reason_rank
    from totals
    -- A call without a reason code counts in the share's denominator but cannot be ranked.
    where reason_code is not null

)

select
    ranked.period_type,
    ranked.period_start,
    ranked.district,
    ranked.reason_rank as rank,
    ranked.reason_code,
    reasons.reason_name_zh,
    reasons.reason_name_en,
    reasons.category,
    reasons.department_code,
    reasons.department_name_zh,
    reasons.department_name_en,
    ranked.repeat_calls,
    ranked.unresolved_calls,
    cast(ranked.repeat_calls as double) / ranked.unresolved_calls as share,
    ranked.period_provisional = 0 as is_final
from ranked
left join {{ ref('dim_reasons') }} as reasons on ranked.reason_code = reasons.reason_code
where ranked.reason_rank <= 5

{#
    The daily KPI columns, shared by rpt_kpi_daily (per day) and rpt_district_daily (per day and
    district) so the two can never disagree. kpi_counts() aggregates fct_calls rows; kpi_rates()
    turns the counts into rates, NULL when a denominator is empty (docs/metrics.md).
#}
{# Outcome counts of calls or segments (the same columns at every level). #}
{% macro outcome_counts() %}
    count(case when outcome = 'answered' then 1 end) as answered,
    count(case when outcome = 'abandoned' then 1 end) as abandoned,
    count(case when outcome = 'short_abandoned' then 1 end) as short_abandoned,
    count(case when outcome = 'timed_out' then 1 end) as timed_out,
    count(case when outcome = 'other_exit' then 1 end) as other_exit,
    count(case when is_answered_within_sl then 1 end) as answered_within_sl,
    sum(case when is_answered then wait_seconds end) as answered_wait_seconds
{% endmacro %}

{% macro kpi_counts() %}
    count(*) as inbound,
    count(case when not is_offered then 1 end) as ivr_contained,
    count(case when is_offered then 1 end) as offered,
    {{ outcome_counts() }},
    sum(case when is_answered then talk_seconds end) as talk_seconds,
    sum(case when is_answered then hold_seconds end) as hold_seconds,
    sum(case when is_answered then acw_seconds end) as acw_seconds_total,
    sum(case when is_answered then handle_seconds end) as handle_seconds,
    sum(case when is_answered then answered_segments end) as answered_segments,
    sum(case when is_answered then acw_known_segments end) as acw_known_segments,
    count(case when is_transferred then 1 end) as transferred,
    count(case when is_fcr is not null then 1 end) as fcr_eligible,
    count(case when is_fcr then 1 end) as fcr_resolved,
    count(case when is_fcr_final = false then 1 end) as fcr_provisional,
    count(case when is_offered and caller_key is not null then 1 end) as offered_with_caller_key,
    count(case when is_repeat then 1 end) as repeat_calls
{% endmacro %}

{% macro kpi_count_columns() %}
    {{ return(['inbound', 'ivr_contained', 'offered', 'answered', 'abandoned', 'short_abandoned',
               'timed_out', 'other_exit', 'answered_within_sl', 'answered_segments', 'acw_known_segments',
               'transferred', 'fcr_eligible', 'fcr_resolved', 'fcr_provisional',
               'offered_with_caller_key', 'repeat_calls']) }}
{% endmacro %}

{#
    The count columns of the KPI reports after a left join of a date (× district) grid to the
    aggregated calls and surveys: counts of an empty period are 0, sums stay NULL.
#}
{% macro kpi_counts_or_zero(calls, surveys) %}
    {% for column in kpi_count_columns() %}
        coalesce({{ calls }}.{{ column }}, 0) as {{ column }},
    {% endfor %}
    {{ calls }}.answered_wait_seconds,
    {{ calls }}.talk_seconds,
    {{ calls }}.hold_seconds,
    {{ calls }}.acw_seconds_total,
    {{ calls }}.handle_seconds,
    coalesce({{ surveys }}.surveys_sent, 0) as surveys_sent,
    coalesce({{ surveys }}.survey_responses, 0) as survey_responses,
    coalesce({{ surveys }}.csat_scored, 0) as csat_scored,
    coalesce({{ surveys }}.csat_satisfied, 0) as csat_satisfied
{% endmacro %}

{% macro kpi_rates() %}
    {{ safe_ratio('answered', 'offered') }} as connect_rate,
    {{ safe_ratio('abandoned', 'offered - short_abandoned') }} as abandon_rate,
    {{ safe_ratio('answered_within_sl', 'answered + abandoned') }} as service_level,
    {{ safe_ratio('answered_wait_seconds', 'answered') }} as asa_seconds,
    {{ safe_ratio('talk_seconds', 'answered') }} as talk_seconds_per_call,
    {{ safe_ratio('handle_seconds', 'answered') }} as aht_seconds,
    {{ safe_ratio('acw_seconds_total', 'acw_known_segments') }} as acw_seconds,
    {{ safe_ratio('acw_known_segments', 'answered_segments') }} as acw_known_share,
    {{ safe_ratio('transferred', 'answered') }} as transfer_rate,
    {{ safe_ratio('fcr_resolved', 'fcr_eligible') }} as fcr_rate,
    case when fcr_eligible > 0 then fcr_provisional = 0 end as is_fcr_final,
    {{ safe_ratio('repeat_calls', 'offered_with_caller_key') }} as repeat_call_rate
{% endmacro %}

{# Survey columns: per sent date (and district); CSAT = scores 4-5 / scored responses. #}
{% macro survey_counts() %}
    count(*) as surveys_sent,
    count(case when is_responded then 1 end) as survey_responses,
    count(csat_score) as csat_scored,
    count(case when is_satisfied then 1 end) as csat_satisfied
{% endmacro %}

{% macro survey_rates() %}
    {{ safe_ratio('csat_satisfied', 'csat_scored') }} as csat,
    {{ safe_ratio('survey_responses', 'surveys_sent') }} as survey_participation_rate
{% endmacro %}


{# The calendar columns a daily mart carries from dim_dates, so that a holiday is read and
   compared as a holiday (docs/metrics.md, "Holidays"). #}
{% macro day_type_columns(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- for column in ['iso_weekday', 'day_type', 'is_holiday', 'is_makeup_workday', 'is_workday',
                       'is_holiday_known', 'holiday_name_zh', 'holiday_name_en'] %}
    {{ prefix }}{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#
    The daily KPI columns, shared by rpt_kpi_daily (per day) and rpt_district_daily (per day and
    district) so the two can never disagree. The counts are the measures of the calls and surveys
    semantic models and the rates their ratio metrics (models/semantic/, macros/metrics.sql).
#}
{% macro kpi_counts() %}
    {{ measure_columns('calls') }}
{% endmacro %}

{#
    The count columns of the KPI reports after a left join of a date (× district) grid to the
    aggregated calls and surveys: counts of an empty period are 0, sums stay NULL.
#}
{% macro kpi_counts_or_zero(calls, surveys) %}
    {{ measure_columns_or_zero('calls', calls) }},
    {{ measure_columns_or_zero('surveys', surveys) }}
{% endmacro %}

{% macro kpi_rates() %}
    {{ metric_columns('calls') }},
    case when fcr_eligible > 0 then fcr_provisional = 0 end as is_fcr_final
{% endmacro %}

{# Survey columns: per sent date (and district); CSAT = scores 4-5 / scored responses. #}
{% macro survey_counts() %}
    {{ measure_columns('surveys') }}
{% endmacro %}

{% macro survey_rates() %}
    {{ metric_columns('surveys') }}
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

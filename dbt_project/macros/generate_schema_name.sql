{#
    Use the custom schema name as it is (staging, intermediate, marts, seeds) instead of dbt's
    default <target_schema>_<custom>, so analysts query marts.rpt_kpi_daily, not main_marts.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

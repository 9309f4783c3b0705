{#
    Engine differences live here (DuckDB today, Spark for centers that outgrow one machine).
    Models call these macros instead of engine-specific functions.
#}

{# Local wall-clock time of the center for a UTC timestamp. #}
{% macro to_local(column) -%}
    {{ return(adapter.dispatch('to_local', 'callcenter')(column)) }}
{%- endmacro %}

{% macro duckdb__to_local(column) -%}
    timezone('{{ var("center_timezone") }}', {{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro default__to_local(column) -%}
    from_utc_timestamp({{ column }}, '{{ var("center_timezone") }}')
{%- endmacro %}


{# UTC for a local wall-clock time of the center (a repeated hour: the earlier instant). #}
{% macro from_local(column) -%}
    {{ return(adapter.dispatch('from_local', 'callcenter')(column)) }}
{%- endmacro %}

{% macro duckdb__from_local(column) -%}
    timezone('UTC', timezone('{{ var("center_timezone") }}', {{ column }}))
{%- endmacro %}

{% macro default__from_local(column) -%}
    to_utc_timestamp({{ column }}, '{{ var("center_timezone") }}')
{%- endmacro %}


{# Start of the N-minute interval a local timestamp falls in (N divides 60). #}
{% macro interval_start(column, minutes) -%}
    {{ return(adapter.dispatch('interval_start', 'callcenter')(column, minutes)) }}
{%- endmacro %}

{% macro duckdb__interval_start(column, minutes) -%}
    time_bucket(interval '{{ minutes }} minutes', {{ column }})
{%- endmacro %}

{% macro default__interval_start(column, minutes) -%}
    cast(from_unixtime(floor(unix_timestamp({{ column }}) / {{ minutes * 60 }}) * {{ minutes * 60 }}) as timestamp)
{%- endmacro %}


{# Seconds between two timestamps, fractional. #}
{% macro seconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('seconds_between', 'callcenter')(start_column, end_column)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start_column, end_column) -%}
    -- Exact microseconds: epoch() differences of doubles lose precision at this scale.
    (date_diff('microsecond', {{ start_column }}, {{ end_column }}) / 1000000.0)
{%- endmacro %}

{% macro default__seconds_between(start_column, end_column) -%}
    (unix_micros({{ end_column }}) - unix_micros({{ start_column }})) / 1000000.0
{%- endmacro %}


{# A timestamp plus a number of minutes or days (numbers come from vars). #}
{% macro add_minutes(column, minutes) -%}
    ({{ column }} + interval '{{ minutes }}' minute)
{%- endmacro %}

{% macro add_days(column, days) -%}
    ({{ column }} + interval '{{ days }}' day)
{%- endmacro %}


{# A rate that is NULL, not 0 % or 100 %, when its denominator is empty. #}
{% macro safe_ratio(numerator, denominator) -%}
    case when ({{ denominator }}) > 0 then cast(({{ numerator }}) as double) / ({{ denominator }}) end
{%- endmacro %}


{# Reproducible pseudo-random ordering key (same warehouse + same seed = same order). #}
{% macro stable_hash(column, seed) -%}
    md5(concat(cast({{ column }} as varchar), '-', '{{ seed }}'))
{%- endmacro %}

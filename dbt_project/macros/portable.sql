{#
    Engine differences live here (DuckDB today, Spark for centers that outgrow one machine).
    Models call these macros instead of engine-specific functions.
#}

{#
    The center's time zone (var center_timezone, from CENTER_TIMEZONE), checked before it is
    written into any SQL: an IANA name (Asia/Shanghai, America/New_York, UTC) and nothing else.
    check_center_timezone (on-run-start) also asks the engine whether it knows the zone.
#}
{% macro center_timezone() -%}
    {%- set name = var("center_timezone") | string -%}
    {%- if not modules.re.fullmatch('[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*', name) -%}
        {{ exceptions.raise_compiler_error(
            "CENTER_TIMEZONE=" ~ name ~ " is not a time zone name (use e.g. Asia/Shanghai)") }}
    {%- endif -%}
    {{- name -}}
{%- endmacro %}

{% macro check_center_timezone() -%}
    {%- set name = center_timezone() -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set known = run_query("select count(*) from pg_timezone_names() where name = '" ~ name ~ "'") -%}
        {%- if known.columns[0].values()[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "CENTER_TIMEZONE=" ~ name ~ " is not a time zone DuckDB knows (use e.g. Asia/Shanghai)") }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}


{# Local wall-clock time of the center for a UTC timestamp. #}
{% macro to_local(column) -%}
    {{ return(adapter.dispatch('to_local', 'callcenter')(column)) }}
{%- endmacro %}

{% macro duckdb__to_local(column) -%}
    timezone('{{ center_timezone() }}', {{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro default__to_local(column) -%}
    from_utc_timestamp({{ column }}, '{{ center_timezone() }}')
{%- endmacro %}


{# UTC for a local wall-clock time of the center (a repeated hour: the earlier instant). #}
{% macro from_local(column) -%}
    {{ return(adapter.dispatch('from_local', 'callcenter')(column)) }}
{%- endmacro %}

{% macro duckdb__from_local(column) -%}
    timezone('UTC', timezone('{{ center_timezone() }}', {{ column }}))
{%- endmacro %}

{% macro default__from_local(column) -%}
    to_utc_timestamp({{ column }}, '{{ center_timezone() }}')
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


{#
    The N-minute intervals (UTC starts) a stretch of time [start, end) overlaps, one row each, with
    the seconds of the stretch inside it: `from <relation>, {{ interval_pieces(...) }}` adds the
    columns piece_start_utc and piece_seconds.
#}
{% macro interval_pieces(start_column, end_column, minutes) -%}
    {{ return(adapter.dispatch('interval_pieces', 'callcenter')(start_column, end_column, minutes)) }}
{%- endmacro %}

{% macro duckdb__interval_pieces(start_column, end_column, minutes) -%}
    lateral (
        select
            piece_start_utc,
            {{ seconds_between(
                'greatest(' ~ start_column ~ ', piece_start_utc)',
                'least(' ~ end_column ~ ", piece_start_utc + interval '" ~ minutes ~ " minutes')"
            ) }} as piece_seconds
        from unnest(generate_series(
            time_bucket(interval '{{ minutes }} minutes', {{ start_column }}),
            {{ end_column }} - interval '1 microsecond',
            interval '{{ minutes }} minutes'
        )) as grid (piece_start_utc)
    ) as pieces
{%- endmacro %}

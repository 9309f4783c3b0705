{#
    Incremental models are rebuilt by local date (delete+insert) over a trailing window:
    var reprocess_days (default fcr_window_days + 1) back from the newest date already built,
    so FCR and repeat flags, which look up to fcr_window_days ahead, are always recomputed while
    they can still change. A backfill sets var reprocess_from (a date, e.g. the start of the
    Dagster partition range minus fcr_window_days) to rebuild from further back.
#}
{% macro reprocess_window(date_column, built_column='call_date') -%}
    {% if is_incremental() %}
        {{ date_column }} >= (
            select
                {% if var('reprocess_from', none) %}
                    least(
                        cast('{{ var("reprocess_from") }}' as date),
                        {{ add_days('max(' ~ built_column ~ ')', -1 * reprocess_days()) }}
                    )
                {% else %}
                    {{ add_days('max(' ~ built_column ~ ')', -1 * reprocess_days()) }}
                {% endif %}
            from {{ this }}
        )
    {% else %}
        true
    {% endif %}
{%- endmacro %}

{% macro reprocess_days() -%}
    {{ return(var('reprocess_days', var('fcr_window_days') + 1)) }}
{%- endmacro %}


{# Calendar days from one date to another, inclusive (a date spine). #}
{% macro date_range(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_range', 'callcenter')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__date_range(start_date, end_date) -%}
    select cast(generate_series as date) as date_day
    from generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day)
{%- endmacro %}

{% macro default__date_range(start_date, end_date) -%}
    select explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date_day
{%- endmacro %}

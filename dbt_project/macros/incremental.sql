{#
    Incremental models are rebuilt by local date (delete+insert) from the earliest of:
      - a trailing window: var reprocess_days (default fcr_window_days + 1) back from the newest
        date already built, so FCR and repeat flags, which look up to fcr_window_days ahead, are
        recomputed while they can still change;
      - late data: the earliest local date of calls or surveys loaded from files this model has
        not seen yet (file ids above its mark in meta.incremental_marks), less fcr_window_days,
        so the calls whose FCR window a late call falls into are recomputed too;
      - var reprocess_from (a date), for a backfill asked for by hand or by Dagster.
#}
{% macro reprocess_window(date_column, built_column='call_date', days_before=0) -%}
    {% if is_incremental() %}
        {{ date_column }} >= {{ add_days(reprocess_start(built_column), -1 * days_before) }}
    {% else %}
        true
    {% endif %}
{%- endmacro %}

{#
    The first local date an incremental model rebuilds (see above). An input read with
    `days_before` (reprocess_window's third argument) reaches that many days further back: the
    segments of a call that began the evening before, or the calls an FCR look-back needs.
#}
{% macro reprocess_start(built_column='call_date') -%}
    {% set trailing = add_days('max(' ~ built_column ~ ')', -1 * reprocess_days()) %}
    (
        select
            least(
                {{ trailing }},
                coalesce({{ late_data_from() }}, {{ trailing }})
                {% if var('reprocess_from', none) %}
                    , cast('{{ var("reprocess_from") }}' as date)
                {% endif %}
            )
        from {{ this }}
    )
{%- endmacro %}

{% macro late_data_from() -%}
    (
        select {{ add_days('min(touched_date)', -1 * var('fcr_window_days')) }}
        from (
            select cast({{ to_local('started_at') }} as date) as touched_date
            from {{ source('raw', 'calls') }}
            where _file_id > {{ last_seen_file_id() }}
            union all
            select cast({{ to_local('sent_at') }} as date) as touched_date
            from {{ source('raw', 'surveys') }}
            where _file_id > {{ last_seen_file_id() }}
        ) as late_rows
    )
{%- endmacro %}

{% macro last_seen_file_id() -%}
    coalesce((select max(max_file_id) from meta.incremental_marks where model_name = '{{ this.identifier }}'), 0)
{%- endmacro %}

{# on-run-start: the table of marks (one row per incremental model). #}
{% macro create_incremental_marks() -%}
    create schema if not exists meta;
    create table if not exists meta.incremental_marks (
        model_name varchar, max_file_id bigint, built_at timestamp
    )
{%- endmacro %}

{# post-hook of each incremental model: the newest file id it has now seen. #}
{% macro record_incremental_mark() -%}
    delete from meta.incremental_marks where model_name = '{{ this.identifier }}';
    insert into meta.incremental_marks
    select '{{ this.identifier }}', coalesce(max(file_id), 0), current_timestamp
    from {{ source('raw', 'loaded_files') }}
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

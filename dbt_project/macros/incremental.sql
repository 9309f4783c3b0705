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
{% macro reprocess_window(date_column, built_column='call_date', days_before=0, grain='day') -%}
    {% if is_incremental() %}
        {{ date_column }} >= {{ rebuild_from(add_days(reprocess_start(built_column), -1 * days_before), grain) }}
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
    {% set query %}
        select
            least(
                {{ trailing }},
                coalesce({{ late_data_from() }}, {{ trailing }})
                {% if var('reprocess_from', none) %}
                    , cast('{{ var("reprocess_from") }}' as date)
                {% endif %}
            )
        from {{ this }}
    {% endset %}
    {#- Asked once, before the model changes anything, and written into the SQL as a date: a
        constant lets DuckDB skip the row groups before it (a subquery made it read them all). -#}
    {{ date_literal(scalar_at_run(query)) }}
{%- endmacro %}

{# The value of a one-value query, run when dbt executes (NULL while it only parses). #}
{% macro scalar_at_run(query) -%}
    {% if execute %}
        {{ return(run_query(query).columns[0].values()[0]) }}
    {% endif %}
    {{ return(none) }}
{%- endmacro %}

{% macro date_literal(value) -%}
    {%- if value is none -%}cast(null as date)
    {%- else -%}cast('{{ value.strftime("%Y-%m-%d") if value.strftime is defined else value }}' as date)
    {%- endif -%}
{%- endmacro %}

{# A model built by month (config rebuild_grain='month') rebuilds whole months: from the first
   day of the month its first rebuilt day falls in. #}
{% macro rebuild_from(start, grain='day') -%}
    {%- if grain == 'month' -%}
        cast({{ dbt.date_trunc('month', start) }} as date)
    {%- else -%}
        {{ start }}
    {%- endif -%}
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
    {% set query %}
        select coalesce(max(max_file_id), 0) from {{ source('meta', 'incremental_marks') }} where model_name = '{{ this.identifier }}'
    {% endset %}
    {{ scalar_at_run(query) or 0 }}
{%- endmacro %}

{# on-run-start: the table of marks (one row per incremental model), and the log of the days
   each incremental model rebuilt, which the publisher (orchestration/publishing.py) and the
   tests of the run (get_where_subquery below) read. #}
{% macro create_incremental_marks() -%}
    create schema if not exists meta;
    create table if not exists meta.incremental_marks (
        model_name varchar, max_file_id bigint, built_at timestamp
    );
    create sequence if not exists meta.mart_change_seq;
    create table if not exists meta.mart_changes (
        change_id bigint, model_name varchar, day_column varchar, rebuilt_from date, recorded_at timestamp
    );
    alter table meta.mart_changes add column if not exists invocation_id varchar;
    -- A model rebuilt by key (config rebuild_by='key', e.g. fct_tickets) logs the keys it rebuilt.
    alter table meta.mart_changes add column if not exists by_key boolean;
    create table if not exists meta.mart_changed_keys (change_id bigint, key_value varchar)
{%- endmacro %}

{#
    pre-hook of every model: an incremental one records the first day it is about to rebuild
    (NULL: the whole table), before it changes anything, so the publisher copies those days and
    no more, and the run's tests check those days.
#}
{% macro record_mart_change() -%}
    {# A Python model's hook rows do not survive its run: it is published and tested whole.
       A model rebuilt by key logs its keys instead (record_changed_keys). #}
    {% if config.get('materialized') == 'incremental' and model.language != 'python'
        and config.get('rebuild_by') != 'key' %}
        insert into meta.mart_changes (change_id, model_name, day_column, rebuilt_from, recorded_at, invocation_id)
        select
            nextval('meta.mart_change_seq'),
            '{{ this.identifier }}',
            '{{ config.get("unique_key") }}',
            {% if is_incremental() %}
                {{ rebuild_from(reprocess_start(config.get('unique_key')), config.get('rebuild_grain') or 'day') }}
            {% else %}null{% endif %},
            current_timestamp,
            '{{ invocation_id }}'
    {% endif %}
{%- endmacro %}

{#
    pre-hook of a model rebuilt by key (config rebuild_by='key'): the keys it is about to rebuild
    (`keys_sql` selects them), before it changes anything, for the publisher and the run's tests.
    A first or full build logs no keys: the whole table (rebuilt_from NULL, by_key false).
#}
{% macro record_changed_keys(keys_sql) -%}
    insert into meta.mart_changes (change_id, model_name, day_column, rebuilt_from, recorded_at, invocation_id, by_key)
    select
        nextval('meta.mart_change_seq'), '{{ this.identifier }}', '{{ config.get("unique_key") }}', null,
        current_timestamp, '{{ invocation_id }}', {{ 'true' if is_incremental() else 'false' }};
    {% if is_incremental() %}
        {# Not currval(): dbt-duckdb's threads share one connection, so another model's pre-hook
           may have drawn from the sequence in between (seen: keys logged under a survey's change). #}
        insert into meta.mart_changed_keys
        select changes.change_id, cast(rebuilt.key_value as varchar)
        from ({{ keys_sql }}) as rebuilt (key_value)
        cross join (
            select max(change_id) as change_id from meta.mart_changes
            where model_name = '{{ this.identifier }}' and invocation_id = '{{ invocation_id }}'
        ) as changes
    {% endif %}
{%- endmacro %}

{#
    dbt's own macro, overridden: what a generic test reads. With var test_scope = 'rebuilt' (the
    daily refresh) a test of an incremental model reads only the days this run rebuilt; a model
    rebuilt whole, or not rebuilt in this run, is read whole. Any other test_scope (the default:
    `make check`, `make test`, a dbt run by hand) reads every row.
#}
{% macro get_where_subquery(relation) -%}
    {% set where = (config.get('where') or '') | trim %}
    {% set days = rebuilt_days_condition(relation) | trim %}
    {% set conditions = [where, days] | select | list %}
    {% if conditions %}
        (select * from {{ relation }} where {{ conditions | join(' and ') }}) as dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif %}
{%- endmacro %}

{% macro rebuilt_days_condition(relation) -%}
    {% if var('test_scope', 'all') == 'rebuilt' and execute %}
        {% for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'incremental'
            and (node.alias or node.name) == relation.identifier and node.schema == relation.schema %}
            {% if node.config.get('rebuild_by') == 'key' %}
            (
                {{ node.config.unique_key }} in (
                    select keys.key_value from {{ source('meta', 'mart_changed_keys') }} as keys
                    inner join {{ source('meta', 'mart_changes') }} as changes on keys.change_id = changes.change_id
                    where changes.model_name = '{{ relation.identifier }}'
                        and changes.invocation_id = '{{ invocation_id }}'
                )
                or not coalesce((
                    select bool_and(by_key) from {{ source('meta', 'mart_changes') }}
                    where model_name = '{{ relation.identifier }}' and invocation_id = '{{ invocation_id }}'
                ), false)
            )
            {% else %}
            {{ node.config.unique_key }} >= coalesce((
                select min(rebuilt_from) from {{ source('meta', 'mart_changes') }}
                where model_name = '{{ relation.identifier }}' and invocation_id = '{{ invocation_id }}'
                having bool_and(rebuilt_from is not null)
            ), date '0001-01-01')
            {% endif %}
        {% endfor %}
    {% endif %}
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

{#
    The marts' count and rate columns, written from the semantic layer (models/semantic/): a
    measure's aggregate from _semantic_models.yml, a rate from a ratio metric of _metrics.yml. A
    mart, `mf query` and the dashboards therefore read one definition (docs/semantic-layer.md).
#}

{#
    The declarations the macros below need, as {semantic_models: {name: [measure, ...]},
    ratios: {metric: {numerator: measure, denominator: measure, filtered: bool}}}: from dbt's graph
    when models run, else (while dbt parses, and in unit tests, which get no graph) from the copy
    in _metric_declarations.sql, which `make metrics` writes and tests/dbt/test_metrics.py keeps
    equal to the YAML.
#}
{% macro metric_declarations() %}
    {% if not (graph.get('semantic_models') and graph.get('metrics')) %}
        {{ return(declared_metrics_copy()) }}
    {% endif %}
    {%- set semantic_models = {} -%}
    {%- for node in graph.semantic_models.values() -%}
        {%- set measures = [] -%}
        {%- for measure in node.measures -%}
            {%- do measures.append({'name': measure.name, 'agg': measure.agg, 'expr': measure.expr}) -%}
        {%- endfor -%}
        {%- do semantic_models.update({node.name: measures}) -%}
    {%- endfor -%}
    {%- set simple = {} -%}
    {%- for node in graph.metrics.values() if node.type == 'simple' -%}
        {%- do simple.update({node.name: node.type_params.measure.name}) -%}
    {%- endfor -%}
    {%- set ratios = {} -%}
    {%- for node in graph.metrics.values() if node.type == 'ratio' -%}
        {%- set numerator = node.type_params.numerator -%}
        {%- set denominator = node.type_params.denominator -%}
        {%- do ratios.update({node.name: {
            'numerator': simple[numerator.name],
            'denominator': simple[denominator.name],
            'filtered': numerator.filter is not none or denominator.filter is not none}}) -%}
    {%- endfor -%}
    {{ return({'semantic_models': semantic_models, 'ratios': ratios}) }}
{% endmacro %}

{# The measures of a semantic model, in declaration order. #}
{% macro semantic_measures(semantic_model) %}
    {%- set semantic_models = metric_declarations()['semantic_models'] -%}
    {%- if semantic_model not in semantic_models -%}
        {{ exceptions.raise_compiler_error("No semantic model '" ~ semantic_model ~ "' in models/semantic/") }}
    {%- endif -%}
    {{ return(semantic_models[semantic_model]) }}
{% endmacro %}

{# One aggregate per measure: `count(<expr>) as <measure>` (a count of non-NULL values). #}
{% macro measure_columns(semantic_model, only=none) %}
    {%- set columns = [] -%}
    {%- for measure in semantic_measures(semantic_model) if only is none or measure.name in only -%}
        {%- set expr = measure.expr or measure.name -%}
        {%- if measure.agg == 'count_distinct' -%}
            {%- do columns.append('count(distinct ' ~ expr ~ ') as ' ~ measure.name) -%}
        {%- else -%}
            {%- do columns.append(measure.agg ~ '(' ~ expr ~ ') as ' ~ measure.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(',\n    ')) }}
{% endmacro %}

{# The measures after a left join of a date (x group) grid: counts of an empty group are 0, sums
   stay NULL (nothing was measured). #}
{% macro measure_columns_or_zero(semantic_model, relation, only=none) %}
    {%- set columns = [] -%}
    {%- for measure in semantic_measures(semantic_model) if only is none or measure.name in only -%}
        {%- if measure.agg in ('count', 'count_distinct') -%}
            {%- do columns.append('coalesce(' ~ relation ~ '.' ~ measure.name ~ ', 0) as ' ~ measure.name) -%}
        {%- else -%}
            {%- do columns.append(relation ~ '.' ~ measure.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | join(',\n    ')) }}
{% endmacro %}

{#
    One rate column per ratio metric over the given semantic model's measures:
    `<numerator> / <denominator> as <metric>`, NULL when the denominator is 0. Metrics with a
    filter (complaint_timeliness) have no column: they are one group's rate. `only` limits and
    orders the metrics; otherwise they come in name order.
#}
{% macro metric_columns(semantic_model, only=none) %}
    {%- set measures = semantic_measures(semantic_model) | map(attribute='name') | list -%}
    {%- set ratios = {} -%}
    {%- for name, ratio in metric_declarations()['ratios'].items()
            if not ratio.filtered and ratio.numerator in measures and ratio.denominator in measures -%}
        {%- do ratios.update({name: safe_ratio(ratio.numerator, ratio.denominator)}) -%}
    {%- endfor -%}
    {%- set names = only if only is not none else ratios.keys() | sort -%}
    {%- set columns = [] -%}
    {%- for name in names -%}
        {%- if name not in ratios -%}
            {{ exceptions.raise_compiler_error("No ratio metric '" ~ name ~ "' over measures of " ~ semantic_model) }}
        {%- endif -%}
        {%- do columns.append(ratios[name] ~ ' as ' ~ name) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n    ')) }}
{% endmacro %}

{#
    dim_kpi_targets' rows: every ratio metric, with its names, unit, target (NULL when it has
    none) and the comparison that meets the target (>= when higher is better).
#}
{% macro metric_target_rows() %}
    {% if not execute %}{{ return("select null as kpi_code") }}{% endif %}
    {%- set rows = [] -%}
    {%- for node in graph.metrics.values() | sort(attribute='name') if node.type == 'ratio' -%}
        {%- set meta = node.config.meta if node.config and node.config.meta else node.meta -%}
        {%- set target = meta.get('target') -%}
        {%- set comparison = {'higher': '>=', 'lower': '<='}.get(meta.get('direction')) -%}
        {%- do rows.append("select " ~ _quoted(node.name) ~ " as kpi_code, "
            ~ _quoted(meta.get('label_zh', '')) ~ " as kpi_name_zh, "
            ~ _quoted(node.label) ~ " as kpi_name_en, "
            ~ ("cast(" ~ target ~ " as double)" if target is not none else "cast(null as double)") ~ " as target_value, "
            ~ (_quoted(comparison) if comparison else "cast(null as varchar)") ~ " as comparison, "
            ~ _quoted(meta.get('unit')) ~ " as unit, "
            ~ _quoted(meta.get('direction')) ~ " as direction, "
            ~ _quoted(node.description | trim) ~ " as definition") -%}
    {%- endfor -%}
    {{ return(rows | join('\nunion all\n')) }}
{% endmacro %}

{#
    dim_queue_targets' rows: a ratio metric's target for one queue, where its declaration sets one
    (meta targets_by_queue: {queue: target}); other queues use dim_kpi_targets' target.
#}
{% macro metric_queue_target_rows() %}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in graph.metrics.values() | sort(attribute='name') if node.type == 'ratio' -%}
            {%- set meta = node.config.meta if node.config and node.config.meta else node.meta -%}
            {%- set comparison = {'higher': '>=', 'lower': '<='}.get(meta.get('direction')) -%}
            {%- for queue, target in (meta.get('targets_by_queue') or {}).items() | sort -%}
                {%- do rows.append("select " ~ _quoted(node.name) ~ " as kpi_code, "
                    ~ _quoted(queue) ~ " as queue, cast(" ~ target ~ " as double) as target_value, "
                    ~ (_quoted(comparison) if comparison else "cast(null as varchar)") ~ " as comparison") -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not rows -%}
        {%- do rows.append("select cast(null as varchar) as kpi_code, cast(null as varchar) as queue, "
            ~ "cast(null as double) as target_value, cast(null as varchar) as comparison limit 0") -%}
    {%- endif -%}
    {{ return(rows | join('\nunion all\n')) }}
{% endmacro %}

{% macro _quoted(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

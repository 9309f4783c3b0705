{#
    The columns together identify a row (dbt_utils has the same test; the hub is not reachable
    from every machine that builds this project, so we keep our own).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_with_this_key
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}

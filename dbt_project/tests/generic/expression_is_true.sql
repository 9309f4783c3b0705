{# Every row satisfies a SQL condition (e.g. a rate between 0 and 1). #}
{% test expression_is_true(model, expression, column_name=None) %}
    select * from {{ model }}
    where not ({{ expression }})
{% endtest %}

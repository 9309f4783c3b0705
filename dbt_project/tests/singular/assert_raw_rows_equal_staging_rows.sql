{{ config(meta={'dagster': {'ref': {'name': 'stg_raw__call_segments'}}}, tags=['full_history']) }}

-- Staging renames and types; it must not drop or duplicate rows.
-- A row here names a source whose staging view lost or gained rows.
{% set pairs = [
    ('calls', 'stg_raw__call_segments'),
    ('tickets', 'stg_raw__tickets'),
    ('surveys', 'stg_raw__surveys'),
    ('qa_evaluations', 'stg_raw__qa_evaluations'),
    ('agents', 'stg_raw__agents'),
] %}

with

counts as (

    {% for raw_table, staging_model in pairs %}
        select
            '{{ raw_table }}' as source_table,
            (select count(*) from {{ source('raw', raw_table) }}) as raw_rows,
            (select count(*) from {{ ref(staging_model) }}) as staging_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from counts
where raw_rows != staging_rows

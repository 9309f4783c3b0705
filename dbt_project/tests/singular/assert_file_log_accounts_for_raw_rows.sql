{{ config(meta={'dagster': {'ref': {'name': 'stg_raw__call_segments'}}}, tags=['full_history']) }}

-- Every row the loader says it accepted from a file (less the identical re-deliveries it did not
-- store again) is in the raw table, and the staging view has every row of its raw table. The two
-- counts come from different places (the file log written at load, the tables as they are now):
-- a row here names a source whose rows were lost or gained after the load, or a staging view
-- that drops or duplicates rows. Tickets and agents are counted in their history tables, which
-- keep every accepted row; their staging views hold the newest state per key.
{% set sources = [
    ('calls', 'calls', 'stg_raw__call_segments'),
    ('tickets', 'ticket_history', none),
    ('surveys', 'surveys', 'stg_raw__surveys'),
    ('qa', 'qa_evaluations', 'stg_raw__qa_evaluations'),
    ('agents', 'agent_history', none),
] %}

with

logged as (

    select
        source,
        sum(rows_accepted - rows_duplicate) as rows_logged
    from {{ ref('stg_raw__loaded_files') }}
    where status = 'loaded'
    group by source

),

counts as (

    {% for source_name, raw_table, staging_model in sources %}
        select
            '{{ source_name }}' as source,
            (select count(*) from {{ source('raw', raw_table) }}) as raw_rows,
            {% if staging_model %}
                (select count(*) from {{ ref(staging_model) }})
            {% else %}
                (select count(*) from {{ source('raw', raw_table) }})
            {% endif %} as staging_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    counts.source,
    coalesce(logged.rows_logged, 0) as rows_logged,
    counts.raw_rows,
    counts.staging_rows
from counts
left join logged on counts.source = logged.source
where coalesce(logged.rows_logged, 0) != counts.raw_rows or counts.raw_rows != counts.staging_rows

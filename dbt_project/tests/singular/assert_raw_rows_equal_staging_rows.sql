{{ config(meta={'dagster': {'ref': {'name': 'stg_raw__call_segments'}}}) }}

-- Staging renames and types; it must not drop or duplicate rows.
-- A row here names a source whose staging view lost or gained rows.
with

counts as (

    select 'calls' as source, (select count(*) from {{ source('raw', 'calls') }}) as raw_rows,
        (select count(*) from {{ ref('stg_raw__call_segments') }}) as staging_rows
    union all
    select 'tickets', (select count(*) from {{ source('raw', 'tickets') }}),
        (select count(*) from {{ ref('stg_raw__tickets') }})
    union all
    select 'surveys', (select count(*) from {{ source('raw', 'surveys') }}),
        (select count(*) from {{ ref('stg_raw__surveys') }})
    union all
    select 'qa', (select count(*) from {{ source('raw', 'qa_evaluations') }}),
        (select count(*) from {{ ref('stg_raw__qa_evaluations') }})
    union all
    select 'agents', (select count(*) from {{ source('raw', 'agents') }}),
        (select count(*) from {{ ref('stg_raw__agents') }})

)

select * from counts
where raw_rows != staging_rows

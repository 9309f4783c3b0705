{{ config(meta={'dagster': {'ref': {'name': 'fct_calls'}}}, tags=['full_history']) }}

-- fct_calls has one row per distinct call_id of the raw segments, no more, no fewer.
-- A row here means calls were lost or split while collapsing segments.
select
    (select count(distinct call_id) from {{ source('raw', 'calls') }}) as raw_call_ids,
    (select count(*) from {{ ref('fct_calls') }}) as fct_calls_rows,
    (select count(distinct call_id) from {{ ref('fct_calls') }}) as fct_calls_ids
where
    (select count(distinct call_id) from {{ source('raw', 'calls') }})
    != (select count(*) from {{ ref('fct_calls') }})
    or (select count(*) from {{ ref('fct_calls') }})
    != (select count(distinct call_id) from {{ ref('fct_calls') }})

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per local date and district (every district every day): the center's classic daily
-- report (呼入 / 接通 / 接通率 per district) with the same columns as rpt_kpi_daily.
with

grid as (

    select
        dates.date_day as call_date,
        {{ day_type_columns('dates') }},
        districts.district,
        districts.district_name_zh,
        districts.district_name_en,
        districts.sort_order
    from {{ ref('dim_dates') }} as dates
    cross join {{ ref('dim_districts') }} as districts
    where {{ reprocess_window('dates.date_day') }}

),

calls as (

    select
        call_date,
        district,
        {{ kpi_counts() }}
    from {{ ref('fct_calls') }}
    where {{ reprocess_window('call_date') }}
    group by call_date, district

),

surveys as (

    select
        sent_date as call_date,
        district,
        {{ survey_counts() }}
    from {{ ref('fct_survey_responses') }}
    group by sent_date, district

),

counts as (

    select
        grid.call_date,
        {{ day_type_columns('grid') }},
        grid.district,
        grid.district_name_zh,
        grid.district_name_en,
        grid.sort_order,
        {{ kpi_counts_or_zero('calls', 'surveys') }}
    from grid
    left join calls on grid.call_date = calls.call_date and grid.district = calls.district
    left join surveys on grid.call_date = surveys.call_date and grid.district = surveys.district

)

select
    *,
    {{ kpi_rates() }},
    {{ survey_rates() }}
from counts

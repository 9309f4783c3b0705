{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per local date (every date from the first to the last, empty days included): the
-- center's daily KPIs. Counts next to every rate so other formulas can be recomputed.
with

dates as (

    select
        date_day as call_date,
        {{ day_type_columns() }}
    from {{ ref('dim_dates') }}
    where {{ reprocess_window('date_day') }}

),

calls as (

    select
        call_date,
        {{ kpi_counts() }}
    from {{ ref('fct_calls') }}
    where {{ reprocess_window('call_date') }}
    group by call_date

),

surveys as (

    select
        sent_date as call_date,
        {{ survey_counts() }}
    from {{ ref('fct_survey_responses') }}
    group by sent_date

),

counts as (

    select
        dates.call_date,
        {{ day_type_columns('dates') }},
        {{ kpi_counts_or_zero('calls', 'surveys') }}
    from dates
    left join calls on dates.call_date = calls.call_date
    left join surveys on dates.call_date = surveys.call_date

)

select
    *,
    {{ kpi_rates() }},
    {{ survey_rates() }}
from counts

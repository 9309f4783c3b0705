-- One row: the staffing and forecast settings the marts were built with (dbt_project.yml vars),
-- for the pages and analysts who redo a calculation (the Workforce page's what-if does).
select
    cast({{ var('service_level_seconds') }} as integer) as service_level_seconds,
    cast({{ var('staffing_max_occupancy') }} as double) as staffing_max_occupancy,
    cast({{ var('staffing_shrinkage') }} as double) as staffing_shrinkage,
    {%- set patience = var('staffing_patience_seconds') %}
    {%- set patience = patience if patience not in (none, '', 'None', 'null') else 'null' %}
    cast({{ patience }} as double) as staffing_patience_seconds,
    cast({{ var('max_phone_hours_per_day') }} as double) as max_phone_hours_per_day,
    cast({{ var('max_session_hours') }} as double) as max_session_hours,
    cast({{ var('subscribers_per_seat') }} as integer) as subscribers_per_seat,
    cast({{ var('staff_per_seat') }} as double) as staff_per_seat,
    cast({{ var('forecast_interval_minutes') }} as integer) as forecast_interval_minutes,
    cast({{ var('forecast_horizon_days') }} as integer) as forecast_horizon_days,
    cast({{ var('forecast_windows') }} as integer) as forecast_windows

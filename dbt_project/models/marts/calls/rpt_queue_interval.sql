{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per local date, interval (15 and 30 minutes) and queue, every interval of every day:
-- queue-level traffic (segments attributed to the interval they entered the queue). Intervals
-- are real stretches of time: a day has 46 half hours when daylight saving starts and 50 when it
-- ends (the local 01:00 and 01:30 twice, told apart by interval_start_utc). Incremental by
-- call_date (the segment's date), like fct_call_segments.
{% set counts = ['offered', 'answered', 'abandoned', 'short_abandoned', 'timed_out', 'other_exit',
                 'abandon_base', 'service_level_base', 'answered_within_sl', 'answered_wait_seconds',
                 'handle_seconds'] %}
{% set rates = ['connect_rate', 'abandon_rate', 'service_level', 'asa_seconds', 'aht_seconds'] %}
with

segments as (

    select * from {{ ref('fct_call_segments') }}
    where is_offered and {{ reprocess_window('segment_date') }}

),

slots as (

    -- 100 quarter hours: enough for a 25-hour day (daylight saving ends).
    select generated_number - 1 as slot from ({{ dbt.generate_series(100) }}) as numbers

),

queues as (

    -- Every queue ever seen, not only the window's: a day built incrementally has the same grid
    -- as in a whole build.
    select queue from {{ ref('dim_queues') }}
    union
    select distinct queue from {{ ref('fct_call_segments') }}
    where queue is not null

),

days as (

    -- A local day runs from its midnight to the next, as UTC instants: 23 hours when daylight
    -- saving starts, 25 when it ends, 24 otherwise.
    select
        date_day as call_date,
        {{ from_local('cast(date_day as timestamp)') }} as day_start_utc,
        {{ from_local(dbt.dateadd('day', 1, 'cast(date_day as timestamp)')) }} as next_day_start_utc
    from {{ ref('dim_dates') }}
    where {{ reprocess_window('date_day') }}

),

grid as (

    select
        days.call_date,
        lengths.interval_minutes,
        {{ dbt.dateadd(
            'minute', 'slots.slot * lengths.interval_minutes', 'days.day_start_utc'
        ) }} as interval_start_utc,
        queues.queue
    from days
    cross join (
        select 15 as interval_minutes
        union all
        select 30
    ) as lengths
    cross join slots
    cross join queues
    where
        {{ dbt.dateadd('minute', 'slots.slot * lengths.interval_minutes', 'days.day_start_utc') }}
        < days.next_day_start_utc

),

by_interval as (

    {% for minutes in [15, 30] %}
        select
            segment_date as call_date,
            {{ minutes }} as interval_minutes,
            interval_{{ minutes }}_start_utc as interval_start_utc,
            queue,
            -- A segment is counted as the calls semantic model counts a call.
            {{ measure_columns('calls', only=counts) }},
            count(distinct case when is_answered then agent_id end) as agents_handling
        from segments
        group by 1, 2, 3, 4
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counts as (

    select
        grid.call_date,
        {{ to_local('grid.interval_start_utc') }} as interval_start,
        grid.interval_start_utc,
        grid.interval_minutes,
        grid.queue,
        {{ measure_columns_or_zero('calls', 'by_interval', only=counts) }},
        coalesce(by_interval.agents_handling, 0) as agents_handling
    from grid
    left join by_interval
        on
            grid.call_date = by_interval.call_date
            and grid.interval_minutes = by_interval.interval_minutes
            and grid.interval_start_utc = by_interval.interval_start_utc
            and grid.queue = by_interval.queue

)

select
    *,
    {{ metric_columns('calls', only=rates) }}
from counts

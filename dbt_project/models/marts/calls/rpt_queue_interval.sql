-- One row per local date, interval (15 and 30 minutes) and queue, every interval of every day:
-- queue-level traffic (segments attributed to the interval they entered the queue).
with

segments as (

    select * from {{ ref('fct_call_segments') }}
    where is_offered

),

slots as (

    select generated_number - 1 as slot from ({{ dbt.generate_series(96) }}) as numbers

),

queues as (

    select queue from {{ ref('dim_queues') }}
    union
    select distinct queue from segments
    where queue is not null

),

grid as (

    select
        dates.date_day as call_date,
        lengths.interval_minutes,
        {{ dbt.dateadd(
            'minute', 'slots.slot * lengths.interval_minutes', 'cast(dates.date_day as timestamp)'
        ) }} as interval_start,
        queues.queue
    from {{ ref('dim_dates') }} as dates
    cross join (
        select 15 as interval_minutes
        union all
        select 30
    ) as lengths
    cross join slots
    cross join queues
    where slots.slot * lengths.interval_minutes < 1440

),

by_interval as (

    {% for minutes in [15, 30] %}
        select
            segment_date as call_date,
            {{ minutes }} as interval_minutes,
            interval_{{ minutes }}_start as interval_start,
            queue,
            count(*) as offered,
            {{ outcome_counts() }},
            sum(handle_seconds) as handle_seconds,
            count(distinct case when is_answered then agent_id end) as agents_handling
        from segments
        group by 1, 2, 3, 4
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counts as (

    select
        grid.call_date,
        grid.interval_start,
        grid.interval_minutes,
        grid.queue,
        coalesce(by_interval.offered, 0) as offered,
        coalesce(by_interval.answered, 0) as answered,
        coalesce(by_interval.abandoned, 0) as abandoned,
        coalesce(by_interval.short_abandoned, 0) as short_abandoned,
        coalesce(by_interval.timed_out, 0) as timed_out,
        coalesce(by_interval.other_exit, 0) as other_exit,
        coalesce(by_interval.answered_within_sl, 0) as answered_within_sl,
        by_interval.answered_wait_seconds,
        by_interval.handle_seconds,
        coalesce(by_interval.agents_handling, 0) as agents_handling
    from grid
    left join by_interval
        on
            grid.call_date = by_interval.call_date
            and grid.interval_minutes = by_interval.interval_minutes
            and grid.interval_start = by_interval.interval_start
            and grid.queue = by_interval.queue

)

select
    *,
    {{ safe_ratio('answered', 'offered') }} as connect_rate,
    {{ safe_ratio('abandoned', 'offered - short_abandoned') }} as abandon_rate,
    {{ safe_ratio('answered_within_sl', 'answered + abandoned') }} as service_level,
    {{ safe_ratio('answered_wait_seconds', 'answered') }} as asa_seconds,
    {{ safe_ratio('handle_seconds', 'answered') }} as aht_seconds
from counts

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='segment_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per call segment with its queue-level outcome, wait and handling times
-- (docs/metrics.md: "Outcomes of an offered call"). Incremental by segment_date: a daily run
-- classifies the trailing window's segments (docs/metrics.md, "Incremental builds").
with

segments as (

    select * from {{ ref('stg_raw__call_segments') }}
    -- UTC start two days before the window: covers the UTC offset and segments queued after
    -- midnight of calls that started the evening before (started_at is the call's start).
    where {{ reprocess_window('started_at', 'segment_date', 2) }}

),

timed as (

    select
        *,
        queued_at is not null as is_offered,
        answered_at is not null as is_answered,
        coalesce(queued_at_local, started_at_local) as attributed_at_local,
        coalesce(queued_at, started_at) as attributed_at,

        -- A segment's wait ends when it is answered, or when it leaves the queue unanswered;
        -- unknown (NULL) when the export does not record an unanswered caller's wait.
        case
            when answered_at is not null then {{ seconds_between('queued_at', 'answered_at') }}
            when queued_at is not null and coalesce(is_wait_known, true)
                then {{ seconds_between('queued_at', 'ended_at') }}
        end as wait_seconds,

        case
            when answered_at is not null
                then {{ seconds_between('answered_at', 'ended_at') }} - hold_seconds
        end as talk_seconds,

        -- Unknown ACW (no wrapup_ended_at) is NULL here, never 0.
        case
            when answered_at is not null and wrapup_ended_at is not null
                then {{ seconds_between('ended_at', 'wrapup_ended_at') }}
        end as acw_seconds

    from segments

),

classified as (

    select
        *,
        case
            when not is_offered then 'not_offered'
            when is_answered then 'answered'
            else {{ exit_outcome('end_reason', 'wait_seconds') }}
        end as outcome,
        case when is_answered then hold_seconds end as answered_hold_seconds,
        case
            when is_answered then talk_seconds + hold_seconds + coalesce(acw_seconds, 0)
        end as handle_seconds,
        is_answered and acw_seconds is not null as is_acw_known,
        {{ attribution_columns('segment_date') }}

    from timed

)

select * from classified
where {{ reprocess_window('segment_date', 'segment_date') }}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per call: its segments collapsed. A call is answered if any segment was; otherwise
-- its outcome is its last queued segment's, judged on the call's wait (first queue entry to
-- first answer, or to the last queued segment's end). Incremental by call_date.
with

segments as (

    select * from {{ ref('int_call_segments_classified') }}
    -- a call's segments may be dated the evening before its queue entry
    where {{ reprocess_window('segment_date', 'call_date', 2) }}

),

bounds as (

    select
        call_id,
        count(*) as segments,
        min(segment) as first_segment,
        min(case when is_offered then segment end) as first_queued_segment,
        max(case when is_offered then segment end) as last_queued_segment,
        min(case when is_answered then segment end) as first_answered_segment,
        max(case when is_answered then segment end) as last_answered_segment,
        max(ended_at) as ended_at,
        max(ticket_id) as ticket_id,
        count(case when is_answered then 1 end) as answered_segments,
        count(case when is_acw_known then 1 end) as acw_known_segments,
        sum(case when is_answered then talk_seconds end) as talk_seconds,
        sum(answered_hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(handle_seconds) as handle_seconds

    from segments
    group by call_id

),

collapsed as (

    select
        bounds.call_id,
        first_seg.caller_key,
        first_seg.caller_number_masked,
        first_seg.service_number,
        first_seg.district,
        first_queued.queue as first_queue,
        last_queued.queue as last_queue,
        first_seg.started_at,
        first_queued.queued_at,
        first_answered.answered_at,
        bounds.ended_at,
        coalesce(first_queued.queued_at_local, first_seg.started_at_local) as attributed_at_local,
        coalesce(first_queued.queued_at, first_seg.started_at) as attributed_at,
        bounds.segments,
        bounds.answered_segments,
        bounds.first_queued_segment is not null as is_offered,
        bounds.first_answered_segment is not null as is_answered,
        case
            when bounds.first_answered_segment is not null
                then {{ seconds_between('first_queued.queued_at', 'first_answered.answered_at') }}
            -- unknown when the export does not record how long the caller waited (is_wait_known)
            when bounds.first_queued_segment is not null and coalesce(last_queued.is_wait_known, true)
                then {{ seconds_between('first_queued.queued_at', 'last_queued.ended_at') }}
        end as wait_seconds,
        last_queued.end_reason as last_end_reason,
        last_answered.agent_id,
        last_answered.reason_code,
        bounds.ticket_id,
        bounds.talk_seconds,
        bounds.hold_seconds,
        bounds.acw_seconds,
        bounds.handle_seconds,
        bounds.acw_known_segments

    from bounds
    inner join segments as first_seg
        on bounds.call_id = first_seg.call_id and bounds.first_segment = first_seg.segment
    left join segments as first_queued
        on bounds.call_id = first_queued.call_id and bounds.first_queued_segment = first_queued.segment
    left join segments as last_queued
        on bounds.call_id = last_queued.call_id and bounds.last_queued_segment = last_queued.segment
    left join segments as first_answered
        on bounds.call_id = first_answered.call_id and bounds.first_answered_segment = first_answered.segment
    left join segments as last_answered
        on bounds.call_id = last_answered.call_id and bounds.last_answered_segment = last_answered.segment

),

final as (

    select
        *,
        case
            when not is_offered then 'ivr_contained'
            when is_answered then 'answered'
            else {{ exit_outcome('last_end_reason', 'wait_seconds') }}
        end as outcome,
        is_answered and segments > 1 as is_transferred,
        {{ attribution_columns('call_date') }}

    from collapsed

)

select * from final
where {{ reprocess_window('call_date') }}

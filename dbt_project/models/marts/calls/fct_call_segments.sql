{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='segment_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per call segment (a pass through one agent queue): queue-level outcome and wait.
-- Queue figures count segments; never add them up to get a center total. Incremental by
-- segment_date, like its source.
select
    call_id,
    segment,
    caller_key,
    district,
    queue,
    agent_id,
    segment_date,
    interval_15_start,
    interval_30_start,
    interval_15_start_utc,
    interval_30_start_utc,
    started_at,
    queued_at,
    answered_at,
    ended_at,
    wrapup_ended_at,
    is_offered,
    is_answered,
    outcome,
    end_reason,
    end_reason = 'transfer' as is_transfer_out,
    wait_seconds,
    is_answered_within_sl,
    talk_seconds,
    answered_hold_seconds as hold_seconds,
    acw_seconds,
    is_acw_known,
    handle_seconds,
    reason_code,
    ticket_id,
    priority
from {{ ref('int_call_segments_classified') }}
where {{ reprocess_window('segment_date', 'segment_date') }}

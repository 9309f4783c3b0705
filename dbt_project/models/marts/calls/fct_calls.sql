{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per call (call_id), attributed to the local date and interval it entered the agent
-- queue (or started, for IVR-only calls). Rebuilt by date over a trailing window.
select
    call_id,
    call_date,
    interval_15_start,
    interval_30_start,
    interval_15_start_utc,
    interval_30_start_utc,
    district,
    first_queue,
    last_queue,
    caller_key,
    service_number,
    started_at,
    queued_at,
    answered_at,
    ended_at,
    outcome,
    is_offered,
    is_answered,
    wait_seconds,
    is_answered_within_sl,
    talk_seconds,
    hold_seconds,
    acw_seconds,
    handle_seconds,
    answered_segments,
    acw_known_segments,
    segments,
    is_transferred,
    agent_id,
    reason_code,
    reason_category,
    ticket_id,
    is_fcr,
    is_fcr_final,
    is_repeat
from {{ ref('int_calls_fcr_flagged') }}
where {{ reprocess_window('call_date') }}

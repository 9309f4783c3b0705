{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per call with first-contact resolution and repeat flags (docs/metrics.md, "FCR").
-- A later offered call from the same caller that starts between fcr_merge_minutes and
-- fcr_window_days after an answered call ended makes that answered call not resolved, and is
-- itself a repeat call. Sooner than fcr_merge_minutes it is the same contact (a dropped line).
-- Incremental by call_date: the flags of the trailing window's calls are recomputed.
with

calls as (

    select
        calls.*,
        reasons.category as reason_category
    from {{ ref('int_calls_collapsed') }} as calls
    left join {{ ref('call_reasons') }} as reasons
        on calls.reason_code = reasons.reason_code
    -- the window's calls and the answered calls they may repeat (fcr_window_days back)
    where {{ reprocess_window('calls.call_date', 'call_date', var('fcr_window_days') + 2) }}

),

newest as (

    select max(started_at) as newest_started_at from calls

),

-- Every (answered call, later offered call of the same caller within the window) pair.
repeat_pairs as (

    select
        answered.call_id as answered_call_id,
        later.call_id as later_call_id
    from calls as answered
    inner join calls as later
        on
            answered.caller_key = later.caller_key
            and later.is_offered
            and later.started_at >= {{ add_minutes('answered.ended_at', var('fcr_merge_minutes')) }}
            and later.started_at < {{ add_days('answered.ended_at', var('fcr_window_days')) }}
    where
        answered.is_answered
        and answered.caller_key is not null
        -- var fcr_same_reason_only: only a later call of the same reason category is a repeat.
        and (
            not {{ 'true' if var('fcr_same_reason_only') else 'false' }}
            or answered.reason_category = later.reason_category
        )

),

unresolved as (

    select distinct answered_call_id as call_id from repeat_pairs

),

repeats as (

    select distinct later_call_id as call_id from repeat_pairs

),

flagged as (

    select
        calls.*,
        case
            when calls.is_answered and calls.caller_key is not null
                then unresolved.call_id is null
        end as is_fcr,
        case
            when calls.is_answered and calls.caller_key is not null
                then {{ add_days('calls.ended_at', var('fcr_window_days')) }} <= newest.newest_started_at
        end as is_fcr_final,
        repeats.call_id is not null as is_repeat

    from calls
    cross join newest
    left join unresolved on calls.call_id = unresolved.call_id
    left join repeats on calls.call_id = repeats.call_id

)

select * from flagged
where {{ reprocess_window('call_date') }}

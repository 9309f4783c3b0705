{{ config(meta={'dagster': {'ref': {'name': 'fct_calls'}}}) }}

-- Answered segments of answered calls in fct_calls equal the answered segments in
-- fct_call_segments, and a call is answered exactly when one of its segments is.
-- A row here is a call whose call-level and segment-level views disagree. The daily refresh
-- checks the calls of the days it rebuilt (macros/incremental.sql), `make check` every call.
with

calls as (

    select * from {{ get_where_subquery(ref('fct_calls')) }}

),

per_call as (

    select
        segments.call_id,
        count(case when segments.is_answered then 1 end) as answered_segments
    from {{ ref('fct_call_segments') }} as segments
    where segments.call_id in (select in_scope.call_id from calls as in_scope)
    group by segments.call_id

)

select
    calls.call_id,
    calls.answered_segments,
    per_call.answered_segments as segment_count
from calls
inner join per_call on calls.call_id = per_call.call_id
where
    calls.answered_segments != per_call.answered_segments
    or calls.is_answered != (per_call.answered_segments > 0)

{#
    The outcome of a queue exit without an answer (docs/metrics.md):
      queue_timeout                                        -> timed_out
      caller_exit, callback, queue_full, transfer          -> other_exit
      system, agent_hangup (not a caller's choice)         -> other_exit (decision log)
      caller_hangup or missing end_reason                  -> short_abandoned / abandoned by wait
      ... with the wait unknown (is_wait_known = false)    -> abandoned: a short abandon must be
                                                              shown to be short (decision log)
#}
{% macro exit_outcome(end_reason, wait_seconds) -%}
    case
        when {{ end_reason }} = 'queue_timeout' then 'timed_out'
        when {{ end_reason }} in ('caller_exit', 'callback', 'queue_full', 'transfer', 'system', 'agent_hangup')
            then 'other_exit'
        when {{ wait_seconds }} is null then 'abandoned'
        when {{ wait_seconds }} < {{ var('short_abandon_seconds') }} then 'short_abandoned'
        else 'abandoned'
    end
{%- endmacro %}


{#
    Where a call or segment is counted (docs/metrics.md, "Counting grain"): the local date and
    the 15- and 30-minute intervals of its attribution time (queue entry, or start if never
    queued), as local wall-clock starts and as UTC instants, and whether it was answered within
    the service-level threshold.
#}
{% macro attribution_columns(date_name) -%}
    is_answered and wait_seconds <= {{ var('service_level_seconds') }} as is_answered_within_sl,
    cast(attributed_at_local as date) as {{ date_name }},
    {{ interval_start('attributed_at_local', 15) }} as interval_15_start,
    {{ interval_start('attributed_at_local', 30) }} as interval_30_start,
    -- The same intervals as UTC instants: unique even in a daylight-saving fall-back hour, when
    -- the local 01:00 happens twice (local start minus the UTC offset of the moment).
    {{ interval_start('attributed_at_local', 15) }} - (attributed_at_local - attributed_at) as interval_15_start_utc,
    {{ interval_start('attributed_at_local', 30) }} - (attributed_at_local - attributed_at) as interval_30_start_utc
{%- endmacro %}

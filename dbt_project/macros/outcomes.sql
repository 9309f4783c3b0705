{#
    The outcome of a queue exit without an answer (docs/metrics.md):
      queue_timeout                                        -> timed_out
      caller_exit, callback, queue_full, transfer          -> other_exit
      system, agent_hangup (not a caller's choice)         -> other_exit (decision log)
      caller_hangup or missing end_reason                  -> short_abandoned / abandoned by wait
#}
{% macro exit_outcome(end_reason, wait_seconds) -%}
    case
        when {{ end_reason }} = 'queue_timeout' then 'timed_out'
        when {{ end_reason }} in ('caller_exit', 'callback', 'queue_full', 'transfer', 'system', 'agent_hangup')
            then 'other_exit'
        when {{ wait_seconds }} < {{ var('short_abandon_seconds') }} then 'short_abandoned'
        else 'abandoned'
    end
{%- endmacro %}

{#
    The tickets fct_tickets rebuilds in a daily run (its rows are keyed by ticket, not by day: a
    ticket opened months ago can close today):
      - tickets whose newest state came from a file the model has not seen (new, updated);
      - tickets still open in the model: they are judged as of a newer time;
      - tickets whose call has segments from such a file (the call's agent and date can change).
#}
{% macro fct_tickets_to_rebuild() -%}
    select ticket_id from {{ source('raw', 'tickets') }}
    where _file_id > {{ last_seen_file_id() }}
    union
    select ticket_id from {{ this }}
    where resolved_at is null
    union
    select ticket_id from {{ source('raw', 'tickets') }}
    where call_id in (
        select call_id from {{ source('raw', 'calls') }} where _file_id > {{ last_seen_file_id() }}
    )
{%- endmacro %}

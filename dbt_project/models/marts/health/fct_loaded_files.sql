-- One row per landing file seen by the loader (loaded or failed), with its row counts: the Data
-- health page's account of every landed row.
select
    file_id,
    source,
    file_path,
    content_sha256,
    file_format,
    encoding,
    layout,
    status,
    rows_read,
    rows_accepted,
    rows_rejected,
    rows_duplicate,
    rows_read = rows_accepted + rows_rejected as is_accounted_for,
    -- Event-style switch exports (queue_log, CDR, Technion log): where every line went.
    source_lines,
    lines_carried_in,
    lines_in_records,
    lines_agent_events,
    lines_ignored,
    lines_held,
    lines_rejected,
    source_lines is null
    or source_lines + lines_carried_in
    = lines_in_records + lines_agent_events + lines_ignored + lines_held + lines_rejected
        as are_lines_accounted_for,
    message,
    loaded_at
from {{ ref('stg_raw__loaded_files') }}

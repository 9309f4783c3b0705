-- One row per landing file the loader has seen, loaded or failed, with where its rows went.
with

source as (

    select * from {{ source('raw', 'loaded_files') }}

),

renamed as (

    select
        ---------- ids
        file_id,
        source,
        file_path,
        content_sha256,

        ---------- how it was read
        size_bytes,
        file_format,
        encoding,
        layout,

        ---------- outcome and rows
        status,
        rows_read,
        rows_accepted,
        rows_rejected,
        rows_duplicate,
        message,

        ---------- event-style switch exports: where every line went
        source_lines,
        lines_carried_in,
        lines_in_records,
        lines_agent_events,
        lines_ignored,
        lines_held,
        lines_rejected,

        ---------- when (UTC)
        loaded_at

    from source

)

select * from renamed

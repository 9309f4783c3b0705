-- One row per rejected landing row: its file, row number, the rules it broke and its values as
-- landed (caller numbers already masked by the loader).
with

source as (

    select * from {{ source('raw', 'rejected_rows') }}

),

renamed as (

    select
        ---------- where
        file_id,
        source,
        file_path,
        row_number,

        ---------- why
        rule,
        rules,
        column_name,
        message,

        ---------- what (as landed, masked)
        cast(raw_values as varchar) as raw_values,

        ---------- when (UTC)
        rejected_at

    from source

)

select * from renamed

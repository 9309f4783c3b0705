-- One row per source, file and rule: how many rows were rejected and a few examples (row
-- numbers and values as landed, caller numbers already masked by the loader).
with

rejected as (

    select
        source,
        file_path,
        rule,
        column_name,
        message,
        row_number,
        raw_values,
        row_number() over (partition by source, file_path, rule order by row_number) as example_number
    from {{ ref('stg_raw__rejected_rows') }}

)

select
    source,
    file_path,
    rule,
    max(message) as message,
    max(column_name) as column_name,
    count(*) as rows_rejected,
    string_agg(
        case when example_number <= 5 then cast(row_number as varchar) end, ', ' order by row_number
    ) as example_row_numbers,
    max(case when example_number = 1 then raw_values end) as first_example_values
from rejected
group by source, file_path, rule

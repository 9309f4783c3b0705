-- One row per district the center serves.
select
    district_code as district,
    district_name_zh,
    district_name_en,
    subscribers,
    sort_order,
    -- Rule of thumb of the center whose report the demo follows: one seat per 10,000
    -- subscribers, 1.5 staff per seat.
    ceiling(subscribers / 10000.0) as seats_rule_of_thumb,
    ceiling(subscribers / 10000.0 * 1.5) as staff_rule_of_thumb
from {{ ref('districts') }}

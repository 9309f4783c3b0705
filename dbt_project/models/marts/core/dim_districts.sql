-- One row per district the center serves.
select
    district_code as district,
    district_name_zh,
    district_name_en,
    subscribers,
    sort_order,
    -- Rules of thumb of the center whose report the demo follows: one seat per var
    -- subscribers_per_seat (10,000) subscribers, var staff_per_seat (1.5) staff per seat.
    ceiling(subscribers / {{ var('subscribers_per_seat') }}.0) as seats_rule_of_thumb,
    ceiling(subscribers / {{ var('subscribers_per_seat') }}.0 * {{ var('staff_per_seat') }})
        as staff_rule_of_thumb
from {{ ref('districts') }}

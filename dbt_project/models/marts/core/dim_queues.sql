-- One row per agent queue (skill group).
select
    queue_code as queue,
    queue_name_zh,
    queue_name_en,
    sort_order
from {{ ref('queues') }}

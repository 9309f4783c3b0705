-- One row per KPI with the target the dashboards compare it with (seeds/kpi_targets.csv).
select
    kpi_code,
    kpi_name_zh,
    kpi_name_en,
    target_value,
    comparison,
    unit
from {{ ref('kpi_targets') }}

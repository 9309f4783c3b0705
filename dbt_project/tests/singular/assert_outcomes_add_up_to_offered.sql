{{ config(meta={'dagster': {'ref': {'name': 'rpt_kpi_daily'}}}) }}

-- Every offered call has exactly one outcome, and inbound = IVR-contained + offered.
-- A row here is a day whose counts do not add up: a call lost or counted twice.
select
    call_date,
    inbound,
    ivr_contained,
    offered,
    answered,
    abandoned,
    short_abandoned,
    timed_out,
    other_exit
from {{ ref('rpt_kpi_daily') }}
where
    answered + abandoned + short_abandoned + timed_out + other_exit != offered
    or ivr_contained + offered != inbound

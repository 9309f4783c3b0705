{{ config(meta={'dagster': {'ref': {'name': 'rpt_district_daily'}}}) }}

-- The district report adds up to the center's report, day by day, for every count.
-- A row here is a day where a call was attributed to no district or to two.
with

districts as (

    select
        call_date,
        sum(inbound) as inbound,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(answered_within_sl) as answered_within_sl,
        sum(repeat_calls) as repeat_calls
    from {{ ref('rpt_district_daily') }}
    group by call_date

)

select
    center.call_date,
    center.inbound,
    districts.inbound as district_inbound,
    center.answered,
    districts.answered as district_answered
from {{ ref('rpt_kpi_daily') }} as center
left join districts on center.call_date = districts.call_date
where
    center.inbound != coalesce(districts.inbound, 0)
    or center.offered != coalesce(districts.offered, 0)
    or center.answered != coalesce(districts.answered, 0)
    or center.abandoned != coalesce(districts.abandoned, 0)
    or center.short_abandoned != coalesce(districts.short_abandoned, 0)
    or center.answered_within_sl != coalesce(districts.answered_within_sl, 0)
    or center.repeat_calls != coalesce(districts.repeat_calls, 0)

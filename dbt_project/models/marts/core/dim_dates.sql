-- One row per local calendar date from the first to the last date with any activity, with
-- Chinese holidays, make-up workdays and weekday names.
with

bounds as (

    select
        min(call_date) as first_date,
        max(call_date) as last_date
    from {{ ref('int_calls_collapsed') }}

),

spine as (

    {{ date_range('(select first_date from bounds)', '(select last_date from bounds)') }}

),

holidays as (

    select * from {{ ref('holidays') }}

),

final as (

    select
        spine.date_day,
        cast(extract(year from spine.date_day) as integer) as year_number,
        cast(extract(month from spine.date_day) as integer) as month_number,
        cast({{ dbt.date_trunc('month', 'spine.date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('week', 'spine.date_day') }} as date) as week_start,
        -- ISO weekday: 1 = Monday ... 7 = Sunday (computed, not engine numbering)
        cast(mod({{ dbt.datediff("cast('2024-01-01' as date)", 'spine.date_day', 'day') }}, 7) + 1 as integer)
            as iso_weekday,
        holidays.holiday_name_zh,
        holidays.holiday_name_en,
        coalesce(holidays.is_day_off, false) as is_holiday,
        coalesce(holidays.is_day_off = false, false) as is_makeup_workday
    from spine
    left join holidays on spine.date_day = holidays.holiday_date

),

named as (

    select
        *,
        case iso_weekday
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
            when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
        end as weekday_name_en,
        case iso_weekday
            when 1 then '星期一' when 2 then '星期二' when 3 then '星期三' when 4 then '星期四'
            when 5 then '星期五' when 6 then '星期六' else '星期日'
        end as weekday_name_zh,
        iso_weekday >= 6 as is_weekend,
        (iso_weekday <= 5 and not is_holiday) or is_makeup_workday as is_workday
    from final

)

select * from named

-- One row per local calendar date from the first to the last date with any activity (calls,
-- tickets or surveys), with ISO weekday and week, weekday names, and the public holidays,
-- make-up workdays and weekend of the center's country (var center_country). Any year works:
-- nothing below depends on the sign of a day count.
with

activity as (

    select
        min(call_date) as first_date,
        max(call_date) as last_date
    from {{ ref('int_calls_collapsed') }}
    union all
    select
        min(created_date) as first_date,
        max(created_date) as last_date
    from {{ ref('fct_tickets') }}
    union all
    select
        min(sent_date) as first_date,
        max(sent_date) as last_date
    from {{ ref('fct_survey_responses') }}

),

bounds as (

    select
        min(first_date) as first_date,
        max(last_date) as last_date
    from activity

),

spine as (

    {{ date_range('(select first_date from bounds)', '(select last_date from bounds)') }}

),

calendar as (

    select * from {{ ref('holiday_calendars') }}
    where country_code = upper(trim('{{ var("center_country") }}'))

),

holidays as (

    select * from {{ ref('holidays') }}
    where country_code = upper(trim('{{ var("center_country") }}'))

),

numbered as (

    select
        date_day,
        -- Days since Monday 2024-01-01, made non-negative before taking the remainder, so that
        -- dates before the reference get the right weekday too (1 = Monday … 7 = Sunday).
        cast(
            mod(mod({{ dbt.datediff("cast('2024-01-01' as date)", 'date_day', 'day') }}, 7) + 7, 7) + 1
            as integer
        ) as iso_weekday,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start
    from spine

),

iso_weeks as (

    select
        *,
        -- The ISO week belongs to the year of its Thursday; week 1 holds the year's first Thursday.
        {{ add_days('week_start', 3) }} as week_thursday
    from numbered

),

final as (

    select
        iso_weeks.date_day,
        cast(extract(year from iso_weeks.date_day) as integer) as year_number,
        cast(extract(month from iso_weeks.date_day) as integer) as month_number,
        cast({{ dbt.date_trunc('month', 'iso_weeks.date_day') }} as date) as month_start,
        iso_weeks.week_start,
        iso_weeks.iso_weekday,
        cast(extract(year from iso_weeks.week_thursday) as integer) as iso_year,
        cast(
            floor(
                {{ dbt.datediff(
                    dbt.date_trunc('year', 'iso_weeks.week_thursday'), 'iso_weeks.week_thursday', 'day'
                ) }} / 7
            ) + 1 as integer
        ) as iso_week,
        holidays.holiday_name_zh,
        holidays.holiday_name_en,
        coalesce(
            extract(year from iso_weeks.date_day) between calendar.first_year and calendar.last_year, false
        ) as is_holiday_known,
        coalesce(
            position(cast(iso_weeks.iso_weekday as varchar) in calendar.weekend_iso_days) > 0,
            iso_weeks.iso_weekday >= 6
        ) as is_weekend,
        holidays.is_day_off
    from iso_weeks
    left join calendar on 1 = 1
    left join holidays on iso_weeks.date_day = holidays.holiday_date

),

named as (

    select
        date_day,
        year_number,
        month_number,
        month_start,
        week_start,
        iso_year,
        iso_week,
        iso_weekday,
        case iso_weekday
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
            when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
        end as weekday_name_en,
        case iso_weekday
            when 1 then '星期一' when 2 then '星期二' when 3 then '星期三' when 4 then '星期四'
            when 5 then '星期五' when 6 then '星期六' else '星期日'
        end as weekday_name_zh,
        is_weekend,
        holiday_name_zh,
        holiday_name_en,
        is_holiday_known,
        -- Outside the calendar's years these are unknown (NULL), never a silent "workday".
        case when is_holiday_known then coalesce(is_day_off, false) end as is_holiday,
        case when is_holiday_known then coalesce(is_day_off = false, false) end as is_makeup_workday,
        case
            when is_holiday_known
                then
                    (not is_weekend and not coalesce(is_day_off, false))
                    or coalesce(is_day_off = false, false)
        end as is_workday,
        -- What a day is compared with in volume checks: holidays with holidays, make-up workdays
        -- and ordinary workdays with the same weekday of ordinary weeks.
        case
            when is_day_off then 'holiday'
            when is_day_off = false then 'makeup_workday'
            when is_holiday_known then 'ordinary'
            else 'unknown'
        end as day_type
    from final

)

select * from named

{#-
    One row per day from var date_spine_start to date_spine_end: calendar, ISO week, fiscal
    periods (var fiscal_year_start_month; a fiscal year is named after the calendar year it
    starts in) and the working-day flag (Mon–Fri, less public holidays, plus make-up working
    days 调休, from seed holidays).
-#}
with

day_spine as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('date_spine_start') ~ "' as date)",
        "cast('" ~ var('date_spine_end') ~ "' as date)"
    ) }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

days as (
    select cast(date_day as date) as date_day
    from day_spine
),

calendar as (
    select
        date_day,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(quarter from date_day) as integer) as calendar_quarter,
        cast(extract(month from date_day) as integer) as calendar_month,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast({{ iso_day_of_week('date_day') }} as integer) as day_of_week,
        cast({{ iso_year('date_day') }} as integer) as iso_year,
        cast({{ iso_week('date_day') }} as integer) as iso_week,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
    from days
),

fiscal as (
    select
        calendar.*,
        mod(calendar_month - {{ var('fiscal_year_start_month') }} + 12, 12) + 1 as fiscal_month,
        case
            when calendar_month >= {{ var('fiscal_year_start_month') }} then calendar_year
            else calendar_year - 1
        end as fiscal_year
    from calendar
),

final as (
    select
        fiscal.date_day,
        cast(fiscal.calendar_year * 10000 + fiscal.calendar_month * 100 + fiscal.day_of_month as integer) as date_key,
        fiscal.calendar_year,
        fiscal.calendar_quarter,
        fiscal.calendar_month,
        {{ dbt.concat([
            dbt.cast('fiscal.calendar_year', dbt.type_string()), "'-'",
            "case when fiscal.calendar_month < 10 then '0' else '' end",
            dbt.cast('fiscal.calendar_month', dbt.type_string())
        ]) }} as year_month,
        case fiscal.calendar_month
            when 1 then 'January' when 2 then 'February' when 3 then 'March' when 4 then 'April'
            when 5 then 'May' when 6 then 'June' when 7 then 'July' when 8 then 'August'
            when 9 then 'September' when 10 then 'October' when 11 then 'November' else 'December'
        end as month_name,
        fiscal.day_of_month,
        fiscal.day_of_week,
        case fiscal.day_of_week
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
            when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
        end as day_name,
        fiscal.iso_year,
        fiscal.iso_week,
        fiscal.week_start,
        fiscal.month_start,
        fiscal.quarter_start,
        fiscal.year_start,
        cast(fiscal.fiscal_year as integer) as fiscal_year,
        cast(floor((fiscal.fiscal_month - 1) / 3) + 1 as integer) as fiscal_quarter,
        cast(fiscal.fiscal_month as integer) as fiscal_month,
        fiscal.day_of_week >= 6 as is_weekend,
        coalesce(holidays.day_type = 'holiday', false) as is_holiday,
        coalesce(holidays.day_type = 'makeup_workday', false) as is_makeup_workday,
        holidays.holiday_name,
        case
            when holidays.day_type = 'holiday' then false
            when holidays.day_type = 'makeup_workday' then true
            else fiscal.day_of_week <= 5
        end as is_working_day
    from fiscal
    left join holidays
        on fiscal.date_day = holidays.calendar_date
)

select * from final

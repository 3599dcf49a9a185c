{#-
    One row per reporting period (month, quarter, year) of the calendar, with its length, how
    much of it has elapsed on the as-of date, and the spans it is compared with. The one place
    that says what a period compares with (KPI_DEFINITIONS "Periods", "MTD / QTD / YTD",
    "Growth"); marts test a date against these spans with macro `in_period_span`:

        days_elapsed = days from period_start to min(period_end, as_of_date), inclusive (0 before)
        comparison_basis = 'whole period' for a complete period, 'to date' for the period holding
                           the as-of date (MTD / QTD / YTD), 'future' for a period not begun
        last year / previous period: a whole period compares with the whole same calendar
                           period (Feb 2025 with 1–29 Feb 2024); a to-date span compares with the
                           same number of days from the start of that period, clamped to its end

    to_date_label says what an actual of the period is: MTD / QTD / YTD for the period holding
    the as-of date, complete for past periods, future for periods not begun.
-#}
with

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

days_by_grain as (
    select 'month' as period_grain, month_start as period_start, date_day, is_working_day, as_of_date, data_start_date from calendar
    union all
    select 'quarter', quarter_start, date_day, is_working_day, as_of_date, data_start_date from calendar
    union all
    select 'year', year_start, date_day, is_working_day, as_of_date, data_start_date from calendar
),

periods as (
    select
        period_grain,
        period_start,
        max(date_day) as period_end,
        max(as_of_date) as as_of_date,
        max(data_start_date) as data_start_date,
        count(*) as days_in_period,
        sum(case when date_day <= as_of_date then 1 else 0 end) as days_elapsed,
        sum(case when is_working_day then 1 else 0 end) as working_days_in_period,
        sum(case when is_working_day and date_day <= as_of_date then 1 else 0 end) as working_days_elapsed
    from days_by_grain
    group by period_grain, period_start
),

spans as (
    select
        periods.*,
        cast(case period_grain
            when 'month' then {{ dbt.dateadd('month', -1, 'period_start') }}
            when 'quarter' then {{ dbt.dateadd('month', -3, 'period_start') }}
            else {{ dbt.dateadd('year', -1, 'period_start') }}
        end as date) as previous_period_start,
        cast({{ dbt.dateadd('day', -1, 'period_start') }} as date) as previous_period_end,
        cast({{ dbt.dateadd('year', -1, 'period_start') }} as date) as last_year_period_start,
        -- the day before next period's start one year earlier: 29 Feb in a leap year
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', -1, dbt.dateadd('day', 1, 'period_end'))) }} as date)
            as last_year_period_end
    from periods
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        as_of_date,
        data_start_date,
        cast(days_in_period as integer) as days_in_period,
        cast(days_elapsed as integer) as days_elapsed,
        cast(working_days_in_period as integer) as working_days_in_period,
        cast(working_days_elapsed as integer) as working_days_elapsed,
        case
            when period_end <= as_of_date then 'complete'
            when period_start > as_of_date then 'future'
            when period_grain = 'month' then 'MTD'
            when period_grain = 'quarter' then 'QTD'
            else 'YTD'
        end as to_date_label,
        case
            when period_end <= as_of_date then 'whole period'
            when period_start > as_of_date then 'future'
            else 'to date'
        end as comparison_basis,
        cast(least(period_end, as_of_date) as date) as to_date_end,
        previous_period_start,
        previous_period_end,
        cast(case when period_end <= as_of_date then previous_period_end
            else least(previous_period_end, {{ dbt.dateadd('day', 'days_elapsed - 1', 'previous_period_start') }})
        end as date) as previous_period_to_date_end,
        last_year_period_start,
        last_year_period_end,
        cast(case when period_end <= as_of_date then last_year_period_end
            else least(last_year_period_end, {{ dbt.dateadd('day', 'days_elapsed - 1', 'last_year_period_start') }})
        end as date) as last_year_to_date_end,
        previous_period_start >= data_start_date as has_previous_period,
        last_year_period_start >= data_start_date as has_last_year,
        -- Reported: from the period of the first order to the end of the as-of date's year.
        period_end >= data_start_date
            and period_start <= max(case when period_grain = 'year' and period_start <= as_of_date then period_end end) over ()
            as is_reporting_period
    from spans
)

select * from final

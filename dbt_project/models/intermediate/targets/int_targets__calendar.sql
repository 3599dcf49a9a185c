{#-
    The reporting calendar of the KPI marts: one row per day of dim_date with the month,
    quarter and year it belongs to (fiscal: var fiscal_year_start_month, default January), the
    working-day flag, and the as-of date: var as_of_date (the run's date, when given), else the
    newest fact date of any kind (order, payment, activity), so that no fact loaded lies after it.
-#}
with

dates as (
    select * from {{ ref('dim_date') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select
        cast({{ reporting_as_of_date() }} as date) as as_of_date,
        (select min(order_date) from orders) as data_start_date
),

final as (
    select
        dates.date_day,
        dates.month_start,
        cast({{ dbt.dateadd('month', '-1 * mod(dates.fiscal_month - 1, 3)', 'dates.month_start') }} as date) as quarter_start,
        cast({{ dbt.dateadd('month', '-1 * (dates.fiscal_month - 1)', 'dates.month_start') }} as date) as year_start,
        dates.is_working_day,
        as_of.as_of_date,
        as_of.data_start_date
    from dates
    cross join as_of
)

select * from final

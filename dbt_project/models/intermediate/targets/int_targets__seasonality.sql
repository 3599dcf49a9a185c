{#-
    Seasonality weights for decomposing a scope's targets into months (KPI_DEFINITIONS
    "Targets"): each month's share of the scope's revenue over the previous full year,

        weight_in_year    = revenue(scope, same month last year) / revenue(scope, last year)
        weight_in_quarter = weight_in_year / Σ weight_in_year of the quarter's months

    with an equal split (1/12, 1/3) when there is no history (no revenue last year, or the
    quarter had none). One row per scope with a given target × month of the target's year.
-#}
with

given as (
    select * from {{ ref('int_targets__given') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

actuals as (
    select * from {{ ref('int_targets__actuals') }}
    where period_grain = 'month'
        and metric = 'revenue'
),

months as (
    select distinct month_start, quarter_start, year_start from calendar
),

given_years as (
    select distinct given.scope_type, given.scope_id, months.year_start
    from given
    inner join months
        on given.period_start = months.month_start
    where given.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
),

scope_months as (
    select
        given_years.scope_type,
        given_years.scope_id,
        months.year_start,
        months.quarter_start,
        months.month_start,
        coalesce(actuals.actual_last_year, 0) as revenue_last_year
    from given_years
    inner join months
        on months.year_start = given_years.year_start
    left join actuals
        on actuals.scope_type = given_years.scope_type
        and actuals.scope_id = given_years.scope_id
        and actuals.period_start = months.month_start
),

totals as (
    select
        scope_months.*,
        sum(revenue_last_year) over (partition by scope_type, scope_id, year_start) as year_revenue_last_year,
        sum(revenue_last_year) over (partition by scope_type, scope_id, quarter_start) as quarter_revenue_last_year,
        count(*) over (partition by scope_type, scope_id, year_start) as months_in_year,
        count(*) over (partition by scope_type, scope_id, quarter_start) as months_in_quarter
    from scope_months
),

final as (
    select
        scope_type,
        scope_id,
        year_start,
        quarter_start,
        month_start,
        revenue_last_year,
        year_revenue_last_year > 0 as has_history,
        case
            when year_revenue_last_year > 0 then cast(revenue_last_year as {{ kpi_type_ratio() }}) / year_revenue_last_year
            else 1.0 / months_in_year
        end as weight_in_year,
        case
            when quarter_revenue_last_year > 0 then cast(revenue_last_year as {{ kpi_type_ratio() }}) / quarter_revenue_last_year
            else 1.0 / months_in_quarter
        end as weight_in_quarter
    from totals
)

select * from final

{#-
    Each rep's share of their region's targets (KPI_DEFINITIONS "Targets"): the rep's share of
    the region's revenue last year, among the reps of the region in the period
    (int_targets__scopes: the assignment in force at the period's end), equal split for new reps:

        n reps in the region, k of them new (no revenue in the region last year)
        new rep:      share = 1 / n
        other reps:   share = (1 − k / n) × rep's revenue last year / Σ their revenue last year
        no history:   share = 1 / n for everyone

    Shares of a region and period add up to 1. "Last year" is the fiscal year before the
    period's; the rep's revenue counts only what was attributed to this region then.
-#}
with

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type = 'rep'
        and is_active
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

period_years as (
    select distinct month_start as period_start, year_start from calendar
    union
    select distinct quarter_start, year_start from calendar
),

rep_revenue_by_year as (
    select
        calendar.year_start,
        order_lines.region_code,
        order_lines.rep_id,
        sum(order_lines.revenue_cny) as revenue
    from order_lines
    inner join calendar
        on order_lines.order_date = calendar.date_day
        and order_lines.order_date <= calendar.as_of_date
    where not order_lines.is_cancelled
    group by 1, 2, 3
),

members as (
    select
        scopes.period_grain,
        scopes.period_start,
        scopes.parent_scope_id as region_code,
        scopes.scope_id as rep_id,
        coalesce(rep_revenue_by_year.revenue, 0) as revenue_last_year
    from scopes
    inner join period_years
        on period_years.period_start = scopes.period_start
    left join rep_revenue_by_year
        on rep_revenue_by_year.rep_id = scopes.scope_id
        and rep_revenue_by_year.region_code = scopes.parent_scope_id
        and rep_revenue_by_year.year_start = cast({{ dbt.dateadd('year', -1, 'period_years.year_start') }} as date)
),

counted as (
    select
        members.*,
        count(*) over (partition by period_grain, period_start, region_code) as reps_in_region,
        sum(case when revenue_last_year > 0 then 0 else 1 end)
            over (partition by period_grain, period_start, region_code) as new_reps_in_region,
        sum(case when revenue_last_year > 0 then revenue_last_year else 0 end)
            over (partition by period_grain, period_start, region_code) as region_revenue_last_year
    from members
),

final as (
    select
        period_grain,
        period_start,
        region_code,
        rep_id,
        revenue_last_year,
        cast(reps_in_region as integer) as reps_in_region,
        cast(new_reps_in_region as integer) as new_reps_in_region,
        revenue_last_year <= 0 as is_new_rep,
        case
            when region_revenue_last_year <= 0 or revenue_last_year <= 0
                then 1.0 / reps_in_region
            else (1.0 - cast(new_reps_in_region as {{ kpi_type_ratio() }}) / reps_in_region)
                * cast(revenue_last_year as {{ kpi_type_ratio() }}) / region_revenue_last_year
        end as rep_share
    from counted
)

select * from final

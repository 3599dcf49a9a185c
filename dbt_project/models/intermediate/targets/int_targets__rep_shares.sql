{#-
    Each rep's share of a region's month targets (KPI_DEFINITIONS "Targets": a region target is
    decomposed to reps by each rep's share of the region's revenue last year), one row per month ×
    region × rep with a working day assigned to the region in the month (int_targets__rep_days):

        daily_rate   the rep's revenue in the region last (fiscal) year / working days the rep was
                     assigned to it then — revenue per active day, so a part year is annualised
                     fairly; a rep with fewer than var kpi_target_min_history_months (6) months
                     there last year takes the average daily_rate of the team's reps with that
                     history (else of the region's; else 1: an equal split per active day)
        weight       daily_rate × working days assigned to the region in the month, so a joiner
                     or leaver is pro-rated by the working days active
        rep_share    weight / Σ weights of the region and month (Σ = 1; by working days when every
                     weight is 0)
-#}
with

rep_days as (
    select * from {{ ref('int_targets__rep_days') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
    where not is_cancelled
),

assigned_working_days as (
    select * from rep_days
    where is_working_day
),

month_members as (
    select
        month_start,
        year_start,
        region_code,
        rep_id,
        max(team) as team,
        count(*) as working_days_active
    from assigned_working_days
    group by 1, 2, 3, 4
),

year_history as (
    select
        year_start,
        region_code,
        rep_id,
        count(*) as working_days_active,
        count(distinct month_start) as months_active
    from assigned_working_days
    group by 1, 2, 3
),

revenue_by_year as (
    select
        calendar.year_start,
        order_lines.region_code,
        order_lines.rep_id,
        sum(order_lines.revenue_cny) as revenue
    from order_lines
    inner join calendar
        on order_lines.order_date = calendar.date_day
        and order_lines.order_date <= calendar.as_of_date
    group by 1, 2, 3
),

members as (
    select
        month_members.*,
        coalesce(revenue_by_year.revenue, 0) as revenue_last_year,
        coalesce(year_history.working_days_active, 0) as working_days_last_year,
        coalesce(year_history.months_active, 0) as months_last_year,
        coalesce(year_history.months_active, 0) >= {{ kpi_param('target_min_history_months') }} as has_history
    from month_members
    left join year_history
        on year_history.rep_id = month_members.rep_id
        and year_history.region_code = month_members.region_code
        and year_history.year_start = cast({{ dbt.dateadd('year', -1, 'month_members.year_start') }} as date)
    left join revenue_by_year
        on revenue_by_year.rep_id = month_members.rep_id
        and revenue_by_year.region_code = month_members.region_code
        and revenue_by_year.year_start = cast({{ dbt.dateadd('year', -1, 'month_members.year_start') }} as date)
),

own_rates as (
    select
        members.*,
        case when has_history
            then cast(revenue_last_year as {{ kpi_type_ratio() }}) / working_days_last_year
        end as own_rate
    from members
),

rates as (
    select
        own_rates.*,
        avg(own_rate) over (partition by month_start, region_code, team) as team_rate,
        avg(own_rate) over (partition by month_start, region_code) as region_rate
    from own_rates
),

weighted as (
    select
        rates.*,
        case
            when own_rate is not null then 'own_history'
            when team_rate is not null then 'team_average'
            when region_rate is not null then 'region_average'
            else 'equal'
        end as rate_basis,
        coalesce(own_rate, team_rate, region_rate, 1.0) * working_days_active as weight
    from rates
),

totals as (
    select
        weighted.*,
        sum(weight) over (partition by month_start, region_code) as region_weight,
        sum(working_days_active) over (partition by month_start, region_code) as region_working_days
    from weighted
),

final as (
    select
        'month' as period_grain,
        month_start as period_start,
        region_code,
        rep_id,
        team,
        cast(working_days_active as integer) as working_days_active,
        cast(revenue_last_year as decimal(38, 4)) as revenue_last_year,
        cast(working_days_last_year as integer) as working_days_last_year,
        cast(months_last_year as integer) as months_last_year,
        rate_basis,
        cast(coalesce(own_rate, team_rate, region_rate, 1.0) as {{ kpi_type_ratio() }}) as daily_rate,
        case when region_weight > 0
            then cast(weight as {{ kpi_type_ratio() }}) / region_weight
            else cast(working_days_active as {{ kpi_type_ratio() }}) / region_working_days
        end as rep_share
    from totals
)

select * from final

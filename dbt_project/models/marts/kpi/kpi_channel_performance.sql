{#-
    Sales by channel per period × channel × scope (the company, and each region), up to the
    as-of date:

        revenue, orders, customers_served   revenue (KPI_DEFINITIONS), distinct orders and distinct
                                            real customers (customer_master_key) with a
                                            non-cancelled order of the channel
        revenue_share        the channel's share of the scope's revenue in the period
        growth_vs_previous   revenue / previous period's revenue − 1
        growth_yoy           revenue / same period last year − 1
    Like with like (int_targets__periods, macro in_period_span): a complete period against the
    whole previous / last-year period; the current one (comparison_basis 'to date') against the
    same number of days from the start of that period.
    Growth is null without history (before the first order date, or a zero base). Region: the
    order owner's assignment on the order date. Every channel appears for every active region.
-#}
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
    where not is_cancelled
),

channels as (
    select * from {{ ref('dim_channel') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type in ('company', 'region')
        and is_active
),

{#- Days first: a day falls in the reach of some twenty periods (this one, the previous, last
    year's, at three grains), so lines are summed into day × region × channel before periods are
    joined. An order has one date, region and channel, so its distinct count per day adds up over
    days; distinct customers do not, and are counted over each period's own days only. -#}
daily_lines as (
    select
        order_date, region_code, channel_code,
        sum(revenue_cny) as revenue_cny,
        count(distinct order_key) as orders
    from order_lines
    group by order_date, region_code, channel_code
),

customer_days as (
    select distinct order_date, region_code, channel_code, customer_master_key
    from order_lines
),

days_by_scope as (
    select 'company' as scope_type, 'company' as scope_id, daily_lines.* from daily_lines
    union all
    select 'region', region_code, daily_lines.* from daily_lines where region_code is not null
),

customer_days_by_scope as (
    select 'company' as scope_type, 'company' as scope_id, customer_days.* from customer_days
    union all
    select 'region', region_code, customer_days.* from customer_days where region_code is not null
),

sums as (
    select
        periods.period_grain,
        periods.period_start,
        days_by_scope.scope_type,
        days_by_scope.scope_id,
        days_by_scope.channel_code,
        sum(case when {{ in_period_span('days_by_scope.order_date', 'period') }}
            then days_by_scope.revenue_cny else 0 end) as revenue,
        sum(case when {{ in_period_span('days_by_scope.order_date', 'period') }}
            then days_by_scope.orders else 0 end) as orders,
        sum(case when {{ in_period_span('days_by_scope.order_date', 'previous_period_to_date') }}
            then days_by_scope.revenue_cny else 0 end) as revenue_previous_period,
        sum(case when {{ in_period_span('days_by_scope.order_date', 'last_year_to_date') }}
            then days_by_scope.revenue_cny else 0 end) as revenue_last_year_to_date
    from days_by_scope
    inner join periods
        on {{ in_period_reach('days_by_scope.order_date') }}
    group by 1, 2, 3, 4, 5
),

customers_served as (
    select
        periods.period_grain,
        periods.period_start,
        customer_days_by_scope.scope_type,
        customer_days_by_scope.scope_id,
        customer_days_by_scope.channel_code,
        count(distinct customer_days_by_scope.customer_master_key) as customers_served
    from customer_days_by_scope
    inner join periods
        on {{ in_period_span('customer_days_by_scope.order_date', 'period') }}
    group by 1, 2, 3, 4, 5
),

figures as (
    select
        sums.*,
        coalesce(customers_served.customers_served, 0) as customers_served
    from sums
    left join customers_served
        on customers_served.period_grain = sums.period_grain
        and customers_served.period_start = sums.period_start
        and customers_served.scope_type = sums.scope_type
        and customers_served.scope_id = sums.scope_id
        and customers_served.channel_code = sums.channel_code
),

scaffold as (
    select
        scopes.period_grain,
        scopes.period_start,
        periods.to_date_label,
        periods.comparison_basis,
        periods.has_previous_period,
        periods.has_last_year,
        scopes.scope_type,
        scopes.scope_id,
        scopes.scope_name,
        channels.channel_code,
        channels.channel_name
    from scopes
    inner join periods
        on periods.period_grain = scopes.period_grain
        and periods.period_start = scopes.period_start
    cross join channels
    where periods.to_date_label <> 'future'
),

combined as (
    select
        scaffold.*,
        coalesce(figures.revenue, 0) as revenue,
        coalesce(figures.orders, 0) as orders,
        coalesce(figures.customers_served, 0) as customers_served,
        case when scaffold.has_previous_period then coalesce(figures.revenue_previous_period, 0) end
            as revenue_previous_period,
        case when scaffold.has_last_year then coalesce(figures.revenue_last_year_to_date, 0) end
            as revenue_last_year_to_date
    from scaffold
    left join figures
        on figures.period_grain = scaffold.period_grain
        and figures.period_start = scaffold.period_start
        and figures.scope_type = scaffold.scope_type
        and figures.scope_id = scaffold.scope_id
        and figures.channel_code = scaffold.channel_code
),

final as (
    select
        period_grain,
        period_start,
        to_date_label,
        comparison_basis,
        channel_code,
        channel_name,
        scope_type,
        scope_id,
        scope_name,
        cast(revenue as decimal(38, 4)) as revenue,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(customers_served as {{ dbt.type_bigint() }}) as customers_served,
        {{ kpi_ratio('revenue', 'sum(revenue) over (partition by period_grain, period_start, scope_type, scope_id)') }}
            as revenue_share,
        cast(revenue_previous_period as decimal(38, 4)) as revenue_previous_period,
        {{ kpi_ratio('revenue', 'revenue_previous_period') }} - 1 as growth_vs_previous,
        cast(revenue_last_year_to_date as decimal(38, 4)) as revenue_last_year_to_date,
        {{ kpi_ratio('revenue', 'revenue_last_year_to_date') }} - 1 as growth_yoy
    from combined
)

select * from final

{#-
    Revenue and volume growth per period × scope (the company, each region) × product line,
    up to the as-of date (KPI_DEFINITIONS "Growth"):

        growth_vs_previous   revenue / previous period's revenue − 1 (month over month for months)
        growth_yoy           revenue / same period last year − 1
    Like with like (int_targets__periods, macro in_period_span): a complete period against the
    whole previous / last-year period; the current one (comparison_basis 'to date') against the
    same number of days from the start of that period.
        contribution_to_growth_vs_previous / _yoy
                             (line's revenue − its base) / the scope's total base: the
                             percentage points the line adds to the scope's growth (the lines of
                             a scope sum to the scope's growth)
    Null without history (before the first order date, or a zero base). Product line: the
    product category of the line (dim_product); a product without one is shown under var
    unclassified_product_line, so that the lines of a scope always sum to all its revenue.
    Region: the order owner's on the order date.
-#}
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
    where not is_cancelled
),

products as (
    select * from {{ ref('dim_product') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
        and to_date_label <> 'future'
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type in ('company', 'region')
        and is_active
),

classified_products as (
    select
        product_key,
        coalesce(product_category, '{{ var("unclassified_product_line") }}') as product_line
    from products
),

product_lines as (
    select distinct product_line
    from classified_products
),

lines as (
    select order_lines.*, classified_products.product_line
    from order_lines
    inner join classified_products
        on classified_products.product_key = order_lines.product_key
),

-- one row per day × region × product line before the periods are joined: a day falls in the
-- reach of some twenty periods (this one, the previous, last year's, at three grains), and
-- summing lines into days first keeps that fan-out off the order lines
daily_lines as (
    select order_date, region_code, product_line, sum(revenue_cny) as revenue_cny, sum(quantity) as quantity
    from lines
    group by order_date, region_code, product_line
),

lines_by_scope as (
    select 'company' as scope_type, 'company' as scope_id, daily_lines.* from daily_lines
    union all
    select 'region', region_code, daily_lines.* from daily_lines where region_code is not null
),

figures as (
    select
        periods.period_grain,
        periods.period_start,
        lines_by_scope.scope_type,
        lines_by_scope.scope_id,
        lines_by_scope.product_line,
        sum(case when {{ in_period_span('lines_by_scope.order_date', 'period') }}
            then lines_by_scope.revenue_cny else 0 end) as revenue,
        sum(case when {{ in_period_span('lines_by_scope.order_date', 'period') }}
            then lines_by_scope.quantity else 0 end) as volume,
        sum(case when {{ in_period_span('lines_by_scope.order_date', 'previous_period_to_date') }}
            then lines_by_scope.revenue_cny else 0 end) as revenue_previous_period,
        sum(case when {{ in_period_span('lines_by_scope.order_date', 'last_year_to_date') }}
            then lines_by_scope.revenue_cny else 0 end) as revenue_last_year_to_date,
        sum(case when {{ in_period_span('lines_by_scope.order_date', 'last_year_to_date') }}
            then lines_by_scope.quantity else 0 end) as volume_last_year_to_date
    from lines_by_scope
    inner join periods
        on {{ in_period_reach('lines_by_scope.order_date') }}
    group by 1, 2, 3, 4, 5
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
        product_lines.product_line
    from scopes
    inner join periods
        on periods.period_grain = scopes.period_grain
        and periods.period_start = scopes.period_start
    cross join product_lines
),

combined as (
    select
        scaffold.*,
        coalesce(figures.revenue, 0) as revenue,
        coalesce(figures.volume, 0) as volume,
        case when scaffold.has_previous_period then coalesce(figures.revenue_previous_period, 0) end
            as revenue_previous_period,
        case when scaffold.has_last_year then coalesce(figures.revenue_last_year_to_date, 0) end
            as revenue_last_year_to_date,
        case when scaffold.has_last_year then coalesce(figures.volume_last_year_to_date, 0) end
            as volume_last_year_to_date
    from scaffold
    left join figures
        on figures.period_grain = scaffold.period_grain
        and figures.period_start = scaffold.period_start
        and figures.scope_type = scaffold.scope_type
        and figures.scope_id = scaffold.scope_id
        and figures.product_line = scaffold.product_line
),

with_totals as (
    select
        combined.*,
        sum(revenue_previous_period) over (partition by period_grain, period_start, scope_type, scope_id)
            as scope_revenue_previous_period,
        sum(revenue_last_year_to_date) over (partition by period_grain, period_start, scope_type, scope_id)
            as scope_revenue_last_year_to_date
    from combined
),

final as (
    select
        period_grain,
        period_start,
        to_date_label,
        comparison_basis,
        scope_type,
        scope_id,
        scope_name,
        product_line,
        cast(revenue as decimal(38, 4)) as revenue,
        cast(volume as decimal(38, 4)) as volume,
        cast(revenue_previous_period as decimal(38, 4)) as revenue_previous_period,
        cast(revenue_last_year_to_date as decimal(38, 4)) as revenue_last_year_to_date,
        {{ kpi_ratio('revenue', 'revenue_previous_period') }} - 1 as growth_vs_previous,
        {{ kpi_ratio('revenue', 'revenue_last_year_to_date') }} - 1 as growth_yoy,
        {{ kpi_ratio('volume', 'volume_last_year_to_date') }} - 1 as volume_growth_yoy,
        {{ kpi_ratio('revenue - revenue_previous_period', 'scope_revenue_previous_period') }}
            as contribution_to_growth_vs_previous,
        {{ kpi_ratio('revenue - revenue_last_year_to_date', 'scope_revenue_last_year_to_date') }}
            as contribution_to_growth_yoy
    from with_totals
)

select * from final

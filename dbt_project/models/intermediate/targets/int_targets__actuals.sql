{#-
    Actuals of the additive KPIs (int_targets__daily_actuals) per reporting period × scope ×
    metric, for every scope of int_targets__scopes that was active or has facts in the period —
    zero, not missing, when nothing happened:

        actual                     the period up to the as-of date (MTD / QTD / YTD when current)
        actual_previous_period     the whole previous period (previous month / quarter / year)
        actual_last_year           the whole same calendar period one year earlier (Feb 2025:
                                   1–29 Feb 2024)
        actual_last_year_to_date   like for like with actual (int_targets__periods): the whole
                                   same period for a complete one; for the current period, as
                                   many days from last year's period start as have elapsed

    Collections are null, not zero, for a scope with no collections row in
    int_targets__daily_actuals over all history: its facts all come from CRMs that deliver no
    payments (Zoho CRM has no payments entity), so nothing is known of what it collected; a
    region or rep with a fact of a CRM that does deliver them reports 0 when nothing was paid.
    Comparisons reaching before the first order date are null (no history), not zero. New
    customers (a customer whose first order over all loaded history falls in the period) are null
    for the period holding the first order loaded, and for comparisons with it: whether a customer
    ordered before the data starts is unknown.
-#}
{#- A span starting on or after the first order is known; for new customers it must start after
    it, as a customer's orders before the first one loaded are unknown (the first data period
    would count every old customer as new). -#}
{%- set knowable = "(%s > periods.data_start_date"
    ~ " or (%s = periods.data_start_date and scaffold.metric <> 'new_customers'))" %}
with

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
),

daily_actuals as (
    select * from {{ ref('int_targets__daily_actuals') }}
),

collection_scopes as (
    -- scopes whose collections are known: a payment, or an order of a CRM that delivers payments
    select distinct scope_type, scope_id
    from daily_actuals
    where metric = 'collections'
),

metrics as (
    select 'revenue' as metric, true as for_product_line
    union all select 'volume', true
    union all select 'orders', true
    union all select 'new_customers', false
    union all select 'collections', false
),

period_sums as (
    select
        periods.period_grain,
        periods.period_start,
        daily_actuals.scope_type,
        daily_actuals.scope_id,
        daily_actuals.metric,
        sum(case when {{ in_period_span('daily_actuals.date_day', 'period') }}
            then daily_actuals.actual_value else 0 end) as actual,
        sum(case when {{ in_period_span('daily_actuals.date_day', 'previous_period') }}
            then daily_actuals.actual_value else 0 end) as actual_previous_period,
        sum(case when {{ in_period_span('daily_actuals.date_day', 'last_year') }}
            then daily_actuals.actual_value else 0 end) as actual_last_year,
        sum(case when {{ in_period_span('daily_actuals.date_day', 'last_year_to_date') }}
            then daily_actuals.actual_value else 0 end) as actual_last_year_to_date,
        sum(case when daily_actuals.date_day between periods.period_start and periods.period_end
            then 1 else 0 end) as fact_days
    from periods
    inner join daily_actuals
        on {{ in_period_reach('daily_actuals.date_day') }}
    group by 1, 2, 3, 4, 5
),

scaffold as (
    select
        scopes.period_grain,
        scopes.period_start,
        scopes.scope_type,
        scopes.scope_id,
        metrics.metric,
        scopes.is_active,
        metrics.metric <> 'collections' or collection_scopes.scope_id is not null as is_known
    from scopes
    cross join metrics
    left join collection_scopes
        on collection_scopes.scope_type = scopes.scope_type
        and collection_scopes.scope_id = scopes.scope_id
    where scopes.scope_type <> 'product_line' or metrics.for_product_line
),

final as (
    select
        scaffold.period_grain,
        scaffold.period_start,
        scaffold.scope_type,
        scaffold.scope_id,
        scaffold.metric,
        scaffold.is_active,
        -- the period itself is known once it reaches the data's start (a first, partial period
        -- reports what was sold in it); new customers only from the period after the start
        cast(case when scaffold.is_known and periods.period_end >= periods.data_start_date
                and (scaffold.metric <> 'new_customers' or periods.period_start > periods.data_start_date)
            then coalesce(period_sums.actual, 0) end as decimal(38, 6)) as actual,
        cast(case when scaffold.is_known and {{ knowable | format('periods.previous_period_start', 'periods.previous_period_start') }}
            then coalesce(period_sums.actual_previous_period, 0) end as decimal(38, 6)) as actual_previous_period,
        cast(case when scaffold.is_known and {{ knowable | format('periods.last_year_period_start', 'periods.last_year_period_start') }}
            then coalesce(period_sums.actual_last_year, 0) end as decimal(38, 6)) as actual_last_year,
        cast(case when scaffold.is_known and {{ knowable | format('periods.last_year_period_start', 'periods.last_year_period_start') }}
            then coalesce(period_sums.actual_last_year_to_date, 0) end as decimal(38, 6)) as actual_last_year_to_date
    from scaffold
    inner join periods
        on periods.period_grain = scaffold.period_grain
        and periods.period_start = scaffold.period_start
    left join period_sums
        on period_sums.period_grain = scaffold.period_grain
        and period_sums.period_start = scaffold.period_start
        and period_sums.scope_type = scaffold.scope_type
        and period_sums.scope_id = scaffold.scope_id
        and period_sums.metric = scaffold.metric
    where scaffold.is_active
        or coalesce(period_sums.fact_days, 0) > 0
)

select * from final

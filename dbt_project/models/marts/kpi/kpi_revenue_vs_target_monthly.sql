{#-
    Revenue by rep and month against the rep's explicit monthly revenue target
    (KPI_DEFINITIONS): revenue = Σ revenue_cny of non-cancelled order lines, attributed to the
    order date's month and the order's owner rep; gap = target − revenue (positive means short);
    attainment = revenue / target, null when there is no target (never infinite). A rep × month
    appears when it has revenue or a target. region_code / team: who the rep × month belongs to by
    the one attribution rule (macros attribution_joins / attribution_columns, KPI_DEFINITIONS
    "Scope"), the month's last day as its date and no customer: the rep's assignment on that
    day, else (the rep left in or before the month) the rep's last assignment.
-#}
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

targets as (
    select * from {{ ref('fct_targets') }}
),

monthly_revenue as (
    select
        rep_id,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as month_start,
        sum(revenue_cny) as revenue_cny,
        sum(quantity) as volume,
        count(distinct order_key) as order_count
    from order_lines
    where not is_cancelled
        and rep_id is not null
    group by 1, 2
),

monthly_targets as (
    select
        scope_id as rep_id,
        period_start as month_start,
        sum(target_value_cny) as target_cny
    from targets
    where period_grain = 'month'
        and scope_type = 'rep'
        and metric = 'revenue'
        and scope_id is not null
    group by 1, 2
),

rep_months as (
    select rep_id, month_start from monthly_revenue
    union
    select rep_id, month_start from monthly_targets
),

rep_month_ends as (
    select
        rep_id,
        month_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as month_end,
        -- a rep × month has no customer: the rule's customer-owner step never applies
        cast(null as {{ dbt.type_string() }}) as customer_key
    from rep_months
),

assignment_in_month as (
    select
        rep_month_ends.rep_id,
        rep_month_ends.month_start,
{{ attribution_columns(['rep_name', 'region_code', 'team']) }}
    from rep_month_ends
{{ attribution_joins('rep_month_ends', 'month_end') }}
),

final as (
    select
        rep_months.month_start,
        rep_months.rep_id,
        assignment_in_month.rep_name,
        assignment_in_month.region_code,
        assignment_in_month.team,
        {{ to_money('coalesce(monthly_revenue.revenue_cny, 0)') }} as revenue_cny,
        cast(coalesce(monthly_revenue.volume, 0) as decimal(38, 4)) as volume,
        cast(coalesce(monthly_revenue.order_count, 0) as {{ dbt.type_bigint() }}) as order_count,
        {{ to_money('monthly_targets.target_cny') }} as target_cny,
        {{ to_money('monthly_targets.target_cny - coalesce(monthly_revenue.revenue_cny, 0)') }} as gap_cny,
        {{ kpi_ratio('coalesce(monthly_revenue.revenue_cny, 0)', 'monthly_targets.target_cny') }} as attainment
    from rep_months
    left join monthly_revenue
        on monthly_revenue.rep_id = rep_months.rep_id
        and monthly_revenue.month_start = rep_months.month_start
    left join monthly_targets
        on monthly_targets.rep_id = rep_months.rep_id
        and monthly_targets.month_start = rep_months.month_start
    left join assignment_in_month
        on assignment_in_month.rep_id = rep_months.rep_id
        and assignment_in_month.month_start = rep_months.month_start
)

select * from final

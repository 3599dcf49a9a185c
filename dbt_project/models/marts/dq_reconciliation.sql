{#-
    Orders whose lines do not add up to the CRM's own order subtotal (Zoho Sub Total, Fxiaoke
    产品合计): the sum of the lines' net amounts (the CRM's line net when exported) against it,
    with a tolerance of 0.01 per line. Cancelled orders are left out: they are not revenue.
    unreconciled_cny is what is at stake (the difference at the rate of the order month); the
    month's share of it fails the build above var max_unreconciled_share (test within_share).
-#}
with

orders as (
    select * from {{ ref('int_orders') }}
    where not is_cancelled and order_subtotal is not null
),

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
    where not is_projected
),

line_totals as (
    select
        order_key,
        count(*) as line_count,
        sum(line_net_amount) as lines_net_local
    from order_lines
    group by order_key
),

month_revenue as (
    select order_month, sum(revenue_cny) as month_revenue_cny
    from order_lines
    where not is_cancelled
    group by order_month
),

compared as (
    select
        orders.order_key,
        orders.source_system,
        orders.order_id,
        orders.order_month,
        orders.currency,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.lines_net_local, 0) as lines_net_local,
        orders.order_subtotal as order_subtotal_local,
        coalesce(line_totals.lines_net_local, 0) - orders.order_subtotal as difference_local,
        0.01 * greatest(coalesce(line_totals.line_count, 0), 1) as tolerance_local
    from orders
    left join line_totals
        on orders.order_key = line_totals.order_key
),

unreconciled as (
    select
        compared.*,
        abs(compared.difference_local) * coalesce(fx_rates.rate_to_cny, 1) as unreconciled_cny
    from compared
    left join fx_rates
        on fx_rates.currency = compared.currency
        and fx_rates.rate_month = compared.order_month
    where abs(compared.difference_local) > compared.tolerance_local
),

final as (
    select
        unreconciled.order_key,
        unreconciled.source_system,
        unreconciled.order_id,
        unreconciled.order_month,
        cast(unreconciled.line_count as integer) as line_count,
        {{ to_money('unreconciled.lines_net_local') }} as lines_net_local,
        {{ to_money('unreconciled.order_subtotal_local') }} as order_subtotal_local,
        {{ to_money('unreconciled.difference_local') }} as difference_local,
        {{ to_money('unreconciled.unreconciled_cny') }} as unreconciled_cny,
        {{ to_money('month_revenue.month_revenue_cny') }} as month_revenue_cny,
        cast(coalesce(
            sum(unreconciled.unreconciled_cny) over (partition by unreconciled.order_month)
            / nullif(coalesce(month_revenue.month_revenue_cny, 0), 0),
            1  -- a month without revenue: whatever does not reconcile is all of it
        ) as decimal(18, 6)) as month_unreconciled_share
    from unreconciled
    left join month_revenue
        on month_revenue.order_month = unreconciled.order_month
)

select * from final

{#- One row per order: the lines summed (revenue in the order currency and CNY, quantity), the
    owner rep with region and team on the order date, status and the cancelled flag. -#}
with

orders as (
    select * from {{ ref('int_orders') }}
),

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

opportunity_lookup as (
    select * from {{ ref('int_opportunity_lookup') }}
),

line_totals as (
    select
        order_key,
        count(*) as line_count,
        sum(quantity) as quantity,
        sum(revenue_local) as revenue_local,
        sum(revenue_cny) as revenue_cny
    from order_lines
    group by order_key
),

final as (
    select
        orders.order_key,
        orders.source_system,
        orders.order_id,
        orders.order_number,
        orders.order_date,
        orders.customer_key,
        orders.customer_master_key,
        orders.rep_id,
        orders.rep_key,
        orders.region_code,
        orders.region_name,
        orders.team,
        orders.channel_code,
        opportunities.opportunity_key,
        orders.source_status,
        orders.status_code,
        orders.is_cancelled,
        orders.delivery_status,
        orders.payment_status,
        orders.currency,
        cast(coalesce(line_totals.line_count, 0) as integer) as line_count,
        cast(coalesce(line_totals.quantity, 0) as decimal(18, 6)) as quantity,
        {{ to_money('coalesce(line_totals.revenue_local, 0)') }} as revenue_local,
        {{ to_money('line_totals.revenue_cny') }} as revenue_cny,
        orders.order_total as order_total_local,
        orders.created_at,
        orders.loaded_at
    from orders
    left join line_totals
        on orders.order_key = line_totals.order_key
    left join opportunity_lookup
        on opportunity_lookup.source_system = orders.source_system
        and opportunity_lookup.lookup_ref = orders.opportunity_ref
    left join opportunities
        on opportunities.source_system = opportunity_lookup.source_system
        and opportunities.opportunity_id = opportunity_lookup.opportunity_id
)

select * from final

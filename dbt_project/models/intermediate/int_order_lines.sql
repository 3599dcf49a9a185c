{#-
    Order lines of every CRM (Zoho, Fxiaoke, the canonical CRMs' stg_crm__order_lines: their
    net amount as exported, no order-level discount) with their revenue (KPI_DEFINITIONS "Revenue"):

        revenue_local = quantity × unit_price × (1 − discount_rate)
        revenue_cny   = revenue_local × fx_rate of the order month (CNY = 1)

    discount_rate is the line's whole discount, order-level discount included:
    - Zoho: the line Discount is an amount, rate = Discount / (quantity × list price); the
      order's Discount (an amount) is spread over the lines in proportion to their net amount.
      The line's net amount is the CRM's Net Total when exported (stg_zoho__sales_order_lines).
    - Fxiaoke: 折扣 and 整单折扣 are shares paid (0.9 = 10% off), so the line pays
      quantity × 单价 × 折扣 × 整单折扣; a missing 折扣 means none.
    Lines of deleted orders are dropped; a missing FX rate leaves fx_rate null, which fails the
    build (test `mapped`, naming currency and month).
-#}
with

zoho_inline_lines as (
    select * from {{ ref('stg_zoho__sales_order_lines') }}
),

zoho_line_items as (
    select * from {{ ref('stg_zoho__sales_order_line_items') }}
),

fxiaoke_lines as (
    select * from {{ ref('stg_fxiaoke__order_lines') }}
),

canonical_lines as (
    select * from {{ ref('stg_crm__order_lines') }}
    where not is_deleted
),

orders as (
    select * from {{ ref('int_orders') }}
),

product_lookup as (
    select * from {{ ref('int_product_lookup') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
    where not is_projected
),

zoho_lines as (
    -- An order exported with its lines carries them inline; otherwise the separate line export.
    select
        sales_order_id as order_id, line_no, product_id as product_record_id, product_name, product_code,
        quantity, unit_price, line_net_amount, false as is_void, discount_is_line_level, extra, loaded_at
    from zoho_inline_lines
    union all
    select
        sales_order_id, line_no, cast(null as {{ dbt.type_string() }}), product_name, product_code,
        quantity, unit_price, line_net_amount, false, false, extra, loaded_at
    from zoho_line_items
    where not is_deleted
        and sales_order_id not in (select sales_order_id from zoho_inline_lines)
),

unioned as (
    select 'zoho' as source_system, zoho_lines.* from zoho_lines
    union all
    select
        'fxiaoke', order_no, line_no, cast(null as {{ dbt.type_string() }}), product_name, product_code,
        quantity, unit_price, line_net_amount, is_void, false, extra, loaded_at
    from fxiaoke_lines
    union all
    select
        source_system, order_id, line_no, cast(null as {{ dbt.type_string() }}), product_name, product_code,
        quantity, unit_price, line_net_amount, false, false, extra, loaded_at
    from canonical_lines
),

-- a grouping, not a window over the joined lines: the window carried every column of every line
order_totals as (
    select source_system, order_id, sum(line_net_amount) as order_net_amount
    from unioned
    group by source_system, order_id
),

with_order as (
    select
        unioned.*,
        orders.order_key,
        orders.order_date,
        orders.order_month,
        orders.customer_key,
        orders.customer_master_key,
        orders.rep_id,
        orders.rep_key,
        orders.region_code,
        orders.region_name,
        orders.team,
        orders.channel_code,
        orders.currency,
        orders.is_cancelled or unioned.is_void as is_cancelled,
        orders.order_discount_amount,
        orders.order_discount_paid,
        orders.loaded_at as order_loaded_at,
        order_totals.order_net_amount
    from unioned
    inner join orders
        on orders.source_system = unioned.source_system
        and orders.order_id = unioned.order_id
    inner join order_totals
        on order_totals.source_system = unioned.source_system
        and order_totals.order_id = unioned.order_id
),

with_order_discount as (
    select
        with_order.*,
        case
            when source_system = 'fxiaoke' then coalesce(order_discount_paid, 1)
            -- a single Discount column read as the lines' discounts is not the order's as well
            when coalesce(order_discount_amount, 0) <> 0 and order_net_amount > 0 and not discount_is_line_level
                then 1 - order_discount_amount / order_net_amount
            else 1
        end as order_paid_share
    from with_order
),

priced as (
    select
        with_order_discount.*,
        {{ to_money('line_net_amount * order_paid_share') }} as revenue_local,
        cast(
            case
                when {{ to_wide_decimal('quantity') }} * unit_price <> 0
                    then 1 - (line_net_amount * order_paid_share) / ({{ to_wide_decimal('quantity') }} * unit_price)
                else 0
            end as decimal(18, 10)
        ) as discount_rate
    from with_order_discount
),

with_product as (
    select
        priced.*,
        coalesce(product_by_record_id.product_key, product_by_code.product_key, product_by_name.product_key) as product_key
    from priced
    left join product_lookup as product_by_record_id
        on product_by_record_id.source_system = priced.source_system
        and product_by_record_id.lookup_key = {{ dbt.concat(["'id:'", 'priced.product_record_id']) }}
    left join product_lookup as product_by_code
        on product_by_code.source_system = priced.source_system
        and product_by_code.lookup_key = {{ dbt.concat(["'code:'", 'priced.product_code']) }}
    left join product_lookup as product_by_name
        on product_by_name.source_system = priced.source_system
        and product_by_name.lookup_key = {{ match_key('priced.product_name') }}
),

converted as (
    select
        with_product.*,
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('with_product.revenue_local', 4) ~ ' * fx_rates.rate_to_cny') }} as revenue_cny
    from with_product
    left join fx_rates
        on fx_rates.currency = with_product.currency
        and fx_rates.rate_month = with_product.order_month
),

final as (
    select
        {{ dbt.hash(dbt.concat(['source_system', "'|'", 'order_id', "'|'", dbt.cast('line_no', dbt.type_string())])) }} as order_line_key,
        order_key,
        source_system,
        order_id,
        line_no,
        order_date,
        order_month,
        customer_key,
        customer_master_key,
        product_key,
        product_name,
        product_code,
        rep_id,
        rep_key,
        region_code,
        region_name,
        team,
        channel_code,
        quantity,
        unit_price,
        discount_rate,
        currency,
        line_net_amount,
        revenue_local,
        fx_rate,
        revenue_cny,
        is_cancelled,
        -- the export's unmapped columns (JSON), read by fct_order_lines' pass-through columns
        extra,
        greatest(loaded_at, order_loaded_at) as loaded_at
    from converted
)

select * from final

{#- One row per order line: revenue in the order currency and in CNY, attributed to the order
    date and to the owner rep with the region and team valid on that date. Cancelled / void
    lines stay, flagged is_cancelled; revenue KPIs exclude them. -#}
with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

final as (
    select
        order_line_key,
        order_key,
        source_system,
        order_id,
        cast(line_no as integer) as line_no,
        order_date,
        customer_key,
        product_key,
        rep_id,
        rep_key,
        region_code,
        team,
        channel_code,
        cast(quantity as decimal(18, 6)) as quantity,
        unit_price,
        cast(discount_rate as decimal(18, 10)) as discount_rate,
        currency,
        revenue_local,
        fx_rate,
        revenue_cny,
        is_cancelled,
        loaded_at
    from order_lines
)

select * from final

{#- Sales Order line items exported on their own (Product Details). Used for orders whose
    sales_orders export carries no line columns. Lines are replaced as a set per order. -#}
with

source as (
    select * from {{ source('zoho', 'sales_order_lines') }}
),

newest_loads as (
    {{ newest_version('source', ['sales_order_id'], 'modified_time', keep='load') }}
),

renamed as (
    select
        sales_order_id,
        coalesce(
            line_no,
            row_number() over (partition by sales_order_id order by _source_row)
        ) as line_no,
        product_name,
        product_code,
        quantity,
        {{ to_money('list_price') }} as unit_price,
        {{ to_money('line_discount') }} as line_discount_amount,
        {{ to_money('line_total') }} as line_total,
        {{ to_money('line_tax') }} as line_tax,
        {{ to_money('net_total') }} as net_total,
        modified_time as modified_at,
        is_deleted,
        _source_row as source_row,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from newest_loads
),

priced as (
    select
        renamed.*,
        {{ to_wide_decimal('quantity') }} * unit_price as gross_amount,
        {{ crm_line_net('net_total', to_wide_decimal('quantity') ~ ' * unit_price - coalesce(line_discount_amount, 0)', 'line_tax') }}
            as line_net_amount,
        case
            when {{ to_wide_decimal('quantity') }} * unit_price > 0
                then coalesce(line_discount_amount, 0) / ({{ to_wide_decimal('quantity') }} * unit_price)
            else 0
        end as discount_rate
    from renamed
)

select * from priced

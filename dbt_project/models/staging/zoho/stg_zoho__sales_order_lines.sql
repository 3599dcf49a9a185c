{#- One row per product line of a Sales Order exported as repeated rows (or API Product_Details).
    The lines of an order are replaced as a set by its newest load; line_no is the row order
    within that load. A line's Discount is an amount in the order currency, not a rate. -#}
with

source as (
    select * from {{ source('zoho', 'sales_orders') }}
),

newest_loads as (
    {{ newest_version('source', ['record_id'], 'modified_time', keep='load') }}
),

line_rows as (
    select * from newest_loads
    where product_name is not null or product_code is not null or product_id is not null
),

renamed as (
    select
        record_id as sales_order_id,
        row_number() over (partition by record_id order by _source_row) as line_no,
        line_id,
        product_id,
        product_name,
        product_code,
        quantity,
        {{ to_money('list_price') }} as unit_price,
        {{ to_money('line_discount') }} as line_discount_amount,
        {{ to_money('line_total') }} as line_total,
        {{ to_money('line_tax') }} as line_tax,
        {{ to_money('net_total') }} as net_total,
        is_deleted,
        _source_row as source_row,
        _loaded_at as loaded_at,
        _load_id as load_id
    from line_rows
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

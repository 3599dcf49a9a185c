{#- One row per product line of a Sales Order exported as repeated rows (or API Product_Details).
    The lines of an order are replaced as a set by its newest load; line_no is the row order
    within that load. A line's Discount is an amount in the order currency, not a rate.
    An export with a single Discount column among the line columns is ambiguous (the order's
    Discount, or each line's?): the reading whose lines add up to the order's Sub Total (or to
    the lines' Net Totals) is taken; discount_is_line_level says which one was. -#}
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
        {{ to_money('line_discount') }} as exported_line_discount,
        {{ to_money('line_total') }} as line_total,
        {{ to_money('line_tax') }} as line_tax,
        {{ to_money('net_total') }} as net_total,
        {{ to_money('order_discount') }} as discount_column_amount,
        {{ to_money('sub_total') }} as order_sub_total,
        is_deleted,
        _source_row as source_row,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from line_rows
),

readings as (
    select
        renamed.*,
        count(exported_line_discount) over (partition by sales_order_id) = 0
            and count(discount_column_amount) over (partition by sales_order_id) > 0 as discount_is_ambiguous,
        sum({{ to_wide_decimal('quantity') }} * unit_price - coalesce(discount_column_amount, 0))
            over (partition by sales_order_id) as line_reading_total,
        sum({{ to_wide_decimal('quantity') }} * unit_price) over (partition by sales_order_id) as order_reading_total,
        coalesce(order_sub_total, sum(net_total) over (partition by sales_order_id)) as lines_should_total,
        0.01 * count(*) over (partition by sales_order_id) as tolerance
    from renamed
),

resolved as (
    select
        readings.*,
        coalesce(
            discount_is_ambiguous
                and abs(line_reading_total - lines_should_total) <= tolerance
                and abs(order_reading_total - lines_should_total) > tolerance,
            false
        ) as discount_is_line_level
    from readings
),

with_line_discount as (
    select
        resolved.*,
        coalesce(exported_line_discount, case when discount_is_line_level then discount_column_amount end)
            as line_discount_amount
    from resolved
),

priced as (
    select
        with_line_discount.*,
        {{ to_wide_decimal('quantity') }} * unit_price as gross_amount,
        {{ crm_line_net('net_total', to_wide_decimal('quantity') ~ ' * unit_price - coalesce(line_discount_amount, 0)', 'line_tax') }}
            as line_net_amount,
        case
            when {{ to_wide_decimal('quantity') }} * unit_price > 0
                then coalesce(line_discount_amount, 0) / ({{ to_wide_decimal('quantity') }} * unit_price)
            else 0
        end as discount_rate
    from with_line_discount
)

select * from priced

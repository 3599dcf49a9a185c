{#- 订单产品. 折扣 is the share paid (0.9 = 九折 = 10% off): 小计 = 数量 × 单价 × 折扣, rounded by the
    CRM to the cent; 小计 is the line's revenue when exported, the product otherwise.
    The lines of an order are replaced as a set by its newest load. -#}
with

source as (
    select * from {{ source('fxiaoke', 'order_lines') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'fxiaoke'
),

newest_loads as (
    {{ newest_version('source', ['order_no'], 'last_modified_time', keep='load') }}
),

renamed as (
    select
        order_no,
        coalesce(
            line_no,
            row_number() over (partition by order_no order by _source_row)
        ) as line_no,
        data_id,
        product_name,
        product_code,
        quantity,
        {{ to_money('unit_price') }} as unit_price,
        discount_paid,
        {{ to_money('subtotal') }} as subtotal,
        life_status,
        last_modified_time as modified_at,
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
        {{ crm_line_net('subtotal', to_wide_decimal('quantity') ~ ' * unit_price * coalesce(discount_paid, 1)') }} as line_net_amount,
        1 - coalesce(discount_paid, 1) as discount_rate,
        coalesce(life_status.is_cancelled, false) as is_void
    from renamed
    left join status_mapping as life_status
        on {{ match_key('renamed.life_status') }} = {{ match_key('life_status.source_status') }}
)

select * from priced

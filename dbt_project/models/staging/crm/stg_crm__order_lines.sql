{#- Order lines of every canonical CRM, the lines of each order's newest load (a line removed
    from an order disappears with the next load of that order). line_no: the exported line
    number, else the row order within the load. line_net_amount: the CRM's own net amount when
    exported, else quantity × unit price. -#}
with

source as (
    select * from {{ source('crm', 'order_lines') }}
),

newest_loads as (
    {{ newest_version('source', ['_source_system', 'order_id'], 'modified_at', keep='load', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        order_id,
        coalesce(
            line_number,
            row_number() over (partition by _source_system, order_id order by _source_row)
        ) as line_no,
        product_code,
        product_name,
        quantity,
        {{ to_money('unit_price') }} as unit_price,
        {{ to_money('coalesce(net_amount, ' ~ to_wide_decimal('quantity') ~ ' * unit_price)') }} as line_net_amount,
        is_deleted,
        _extra as extra,
        _loaded_at as loaded_at
    from newest_loads
)

select * from renamed

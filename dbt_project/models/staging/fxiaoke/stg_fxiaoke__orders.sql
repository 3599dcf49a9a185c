with

source as (
    select * from {{ source('fxiaoke', 'orders') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'fxiaoke'
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
    where source_system = 'fxiaoke' and source_field = 'record_type'
),

newest_versions as (
    {{ newest_version('source', ['order_no'], 'last_modified_time') }}
),

renamed as (
    select
        order_no,
        customer_name,
        order_date,
        {{ to_money('order_amount') }} as order_amount,
        {{ to_money('product_total') }} as product_total,
        -- 整单折扣 is the share paid (0.95 = 5% off the whole order); none means full price.
        order_discount_paid,
        order_status as source_status,
        delivery_status,
        payment_status,
        {{ to_money('amount_collected') }} as amount_collected,
        {{ to_money('amount_outstanding') }} as amount_outstanding,
        opportunity_name,
        {{ normalize_currency('currency') }} as currency,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        order_status.status_code,
        life_status.status_code as life_status_code,
        coalesce(order_status.is_cancelled, false)
            or coalesce(life_status.is_cancelled, false) as is_cancelled,
        channel_mapping.channel_code
    from renamed
    left join status_mapping as order_status
        on {{ match_key('renamed.source_status') }} = {{ match_key('order_status.source_status') }}
    left join status_mapping as life_status
        on {{ match_key('renamed.life_status') }} = {{ match_key('life_status.source_status') }}
    left join channel_mapping
        on {{ match_key('renamed.record_type') }} = {{ match_key('channel_mapping.source_value') }}
)

select * from mapped

with

source as (
    select * from {{ source('fxiaoke', 'payments') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', ['payment_no'], 'last_modified_time') }}
),

renamed as (
    select
        payment_no,
        customer_name,
        order_no,
        {{ to_money('payment_amount') }} as payment_amount,
        payment_date,
        payment_method,
        payment_status,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        coalesce(life_status.is_cancelled, false) as is_void
    from renamed
    left join status_mapping as life_status
        on {{ match_key('renamed.life_status') }} = {{ match_key('life_status.source_status') }}
)

select * from mapped

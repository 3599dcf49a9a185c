with

source as (
    select * from {{ source('fxiaoke', 'deliveries') }}
),

newest_versions as (
    {{ newest_version('source', ['delivery_no'], 'last_modified_time') }}
),

renamed as (
    select
        delivery_no,
        order_no,
        customer_name,
        -- 计划发货日期 is the date promised to the customer.
        planned_delivery_date,
        delivery_date,
        delivery_status,
        {{ fxiaoke_common_columns() }}
    from newest_versions
)

select * from renamed

{#- One row per delivery (Fxiaoke 发货单): promised date (计划发货日期), actual date, on time or not. -#}
with

deliveries as (
    select * from {{ ref('stg_fxiaoke__deliveries') }}
    where not is_deleted
),

orders as (
    select * from {{ ref('int_orders') }}
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["'fxiaoke|'", 'deliveries.delivery_no'])) }} as delivery_key,
        'fxiaoke' as source_system,
        deliveries.delivery_no,
        orders.order_key,
        coalesce(customer_by_name.customer_key, orders.customer_key) as customer_key,
        customer_matches.customer_master_key,
        orders.rep_id,
        deliveries.planned_delivery_date,
        deliveries.delivery_date,
        deliveries.delivery_status,
        deliveries.delivery_date is not null as is_delivered,
        coalesce(deliveries.delivery_date <= deliveries.planned_delivery_date, false) as is_on_time,
        case
            when deliveries.delivery_date is not null
                then cast({{ dbt.datediff('deliveries.planned_delivery_date', 'deliveries.delivery_date', 'day') }} as {{ dbt.type_bigint() }})
        end as days_late
    from deliveries
    left join orders
        on orders.source_system = 'fxiaoke'
        and orders.order_id = deliveries.order_no
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = 'fxiaoke'
        and customer_by_name.lookup_key = {{ match_key('deliveries.customer_name') }}
    left join customer_matches
        on customer_matches.customer_key = coalesce(customer_by_name.customer_key, orders.customer_key)
)

select * from final

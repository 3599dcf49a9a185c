{#- Customers of both CRMs, one row per CRM record, with the first non-cancelled order date
    (the basis of "new customers"). -#}
with

customers as (
    select * from {{ ref('int_customers') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

first_orders as (
    select
        customer_key,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from orders
    where not is_cancelled
    group by customer_key
),

final as (
    select
        customers.customer_key,
        customers.source_system,
        customers.customer_id,
        customers.customer_name,
        customers.customer_number,
        customers.customer_level,
        customers.industry,
        customers.region_code,
        customers.province,
        customers.city,
        customers.country,
        customers.channel_code,
        customers.tax_id,
        customers.owner_name,
        customers.owner_rep_id,
        cast(customers.created_at as date) as created_date,
        first_orders.first_order_date,
        first_orders.last_order_date,
        customers.is_inferred
    from customers
    left join first_orders
        on customers.customer_key = first_orders.customer_key
)

select * from final

{#-
    Customers of both CRMs with their history (SCD2): one row per version of a CRM customer
    record, from the customers snapshot. Versions are half-open intervals
    [valid_from, valid_to), as int_customer_versions defines them; valid_to is null on the
    current version.
    customer_master_key is the real customer (int_customer_matches): count customers by it, or
    take the rows where is_current and is_master_record. first_order_date / last_order_date are
    the real customer's, over both CRMs (the basis of "new customers").
-#}
with

customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

matches as (
    select * from {{ ref('int_customer_matches') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

valid_orders as (
    select
        orders.customer_key,
        coalesce(matches.customer_master_key, orders.customer_key) as customer_master_key,
        orders.order_date
    from orders
    left join matches
        on orders.customer_key = matches.customer_key
    where not orders.is_cancelled
),

record_orders as (
    select
        customer_key,
        min(order_date) as record_first_order_date
    from valid_orders
    group by customer_key
),

customer_orders as (
    select
        customer_master_key,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from valid_orders
    group by customer_master_key
),

final as (
    select
        customer_versions.dbt_scd_id as customer_version_key,
        customer_versions.customer_key,
        coalesce(matches.customer_master_key, customer_versions.customer_key) as customer_master_key,
        customer_versions.source_system,
        customer_versions.customer_id,
        customer_versions.customer_name,
        customer_versions.customer_number,
        customer_versions.customer_level,
        customer_versions.industry,
        customer_versions.employees,
        customer_versions.size_band,
        customer_versions.region_code,
        customer_versions.province,
        customer_versions.city,
        customer_versions.country,
        customer_versions.channel_code,
        customer_versions.tax_id,
        customer_versions.phone,
        customer_versions.owner_name,
        customer_versions.owner_rep_id,
        cast(customer_versions.created_at as date) as created_date,
        customer_orders.first_order_date,
        customer_orders.last_order_date,
        record_orders.record_first_order_date,
        coalesce(matches.match_rule, 'none') as match_rule,
        coalesce(matches.is_master_record, true) as is_master_record,
        customer_versions.is_inferred,
        customer_versions.modified_at as crm_modified_at,
        cast(customer_versions.version_number as integer) as version_number,
        customer_versions.valid_from,
        customer_versions.valid_to,
        customer_versions.dbt_valid_to is null as is_current
        {{- pass_through_select('dim_customer', 'customer_versions.extra', 'customer_versions.source_system') }}
    from customer_versions
    left join matches
        on customer_versions.customer_key = matches.customer_key
    left join customer_orders
        on coalesce(matches.customer_master_key, customer_versions.customer_key) = customer_orders.customer_master_key
    left join record_orders
        on customer_versions.customer_key = record_orders.customer_key
)

select * from final

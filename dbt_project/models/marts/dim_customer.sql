{#-
    Customers of both CRMs with their history (SCD2): one row per version of a CRM customer
    record, from the customers snapshot. Versions are half-open intervals
    [valid_from, valid_to); valid_to is null on the current version.
    - The first version of a record is valid from the record's creation in the CRM (from
      1900-01-01 when unknown), so facts older than the first build still find a version.
    - A later version is valid from the CRM Modified Time it carries when that lies after the
      build that saw the previous version (an earlier edit would have been seen by it) and not
      after the build that saw this one; else from the build that saw it.
    customer_master_key is the real customer (int_customer_matches): count customers by it, or
    take the rows where is_current and is_master_record. first_order_date / last_order_date are
    the real customer's, over both CRMs (the basis of "new customers").
-#}
with

customer_versions as (
    select * from {{ ref('customers_snapshot') }}
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

sequenced as (
    select
        customer_versions.*,
        row_number() over (partition by customer_key order by dbt_valid_from) as version_number
    from customer_versions
),

started as (
    select
        sequenced.*,
        case
            when version_number = 1
                then coalesce(created_at, cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
            when modified_at <= dbt_valid_from
                and modified_at > lag(dbt_valid_from) over (partition by customer_key order by dbt_valid_from)
                then modified_at
            else dbt_valid_from
        end as version_start
    from sequenced
),

bounded as (
    select
        started.*,
        coalesce(
            lead(version_start) over (partition by customer_key order by dbt_valid_from),
            dbt_valid_to
        ) as version_end
    from started
),

final as (
    select
        bounded.dbt_scd_id as customer_version_key,
        bounded.customer_key,
        coalesce(matches.customer_master_key, bounded.customer_key) as customer_master_key,
        bounded.source_system,
        bounded.customer_id,
        bounded.customer_name,
        bounded.customer_number,
        bounded.customer_level,
        bounded.industry,
        bounded.employees,
        bounded.size_band,
        bounded.region_code,
        bounded.province,
        bounded.city,
        bounded.country,
        bounded.channel_code,
        bounded.tax_id,
        bounded.phone,
        bounded.owner_name,
        bounded.owner_rep_id,
        cast(bounded.created_at as date) as created_date,
        customer_orders.first_order_date,
        customer_orders.last_order_date,
        record_orders.record_first_order_date,
        coalesce(matches.match_rule, 'none') as match_rule,
        coalesce(matches.is_master_record, true) as is_master_record,
        bounded.is_inferred,
        bounded.modified_at as crm_modified_at,
        cast(bounded.version_number as integer) as version_number,
        bounded.version_start as valid_from,
        bounded.version_end as valid_to,
        bounded.dbt_valid_to is null as is_current
        {{- pass_through_select('dim_customer', 'bounded.extra', 'bounded.source_system') }}
    from bounded
    left join matches
        on bounded.customer_key = matches.customer_key
    left join customer_orders
        on coalesce(matches.customer_master_key, bounded.customer_key) = customer_orders.customer_master_key
    left join record_orders
        on bounded.customer_key = record_orders.customer_key
)

select * from final

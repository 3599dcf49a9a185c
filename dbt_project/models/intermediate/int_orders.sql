{#-
    Sales orders of every CRM (Zoho, Fxiaoke, the canonical CRMs' stg_crm__orders), one row per order that still exists (deleted ones dropped), with
    the customer, the owner rep (负责人 / Owner) and the rep's region and team valid on the order
    date (roster history), the cancelled flag and the order currency.
-#}
with

zoho_orders as (
    select * from {{ ref('stg_zoho__sales_orders') }}
    where not is_deleted
),

fxiaoke_orders as (
    select * from {{ ref('stg_fxiaoke__orders') }}
    where not is_deleted
),

canonical_orders as (
    select * from {{ ref('stg_crm__orders') }}
    where not is_deleted
),

customers as (
    select * from {{ ref('int_customers') }}
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

rep_lookup as (
    select * from {{ ref('int_rep_lookup') }}
),

unioned as (
    select
        'zoho' as source_system,
        sales_order_id as order_id,
        coalesce(so_number, sales_order_id) as order_number,
        subject as order_title,
        order_date,
        account_id as customer_ref_id,
        account_name as customer_name,
        owner_name,
        owner_id,
        deal_id as opportunity_ref,
        source_status,
        status_code,
        is_cancelled,
        currency,
        grand_total as order_total,
        -- Sub Total / 产品合计: the lines' net amounts before order-level discounts (dq_reconciliation)
        sub_total as order_subtotal,
        -- Zoho's order-level Discount is an amount; int_order_lines spreads it over the lines.
        order_discount_amount,
        cast(null as decimal(9, 6)) as order_discount_paid,
        cast(null as {{ dbt.type_string() }}) as delivery_status,
        cast(null as {{ dbt.type_string() }}) as payment_status,
        cast(null as {{ dbt.type_string() }}) as order_channel_code,
        created_at,
        modified_at,
        loaded_at
    from zoho_orders
    union all
    select
        'fxiaoke',
        order_no,
        order_no,
        cast(null as {{ dbt.type_string() }}),
        order_date,
        cast(null as {{ dbt.type_string() }}),
        customer_name,
        owner_name,
        cast(null as {{ dbt.type_string() }}),
        opportunity_name,
        coalesce(source_status, life_status),
        coalesce(status_code, life_status_code),
        is_cancelled,
        currency,
        order_amount,
        product_total,
        cast(null as decimal(18, 4)),
        order_discount_paid,
        delivery_status,
        payment_status,
        channel_code,
        created_at,
        modified_at,
        loaded_at
    from fxiaoke_orders
    union all
    select
        source_system,
        order_id,
        order_number,
        cast(null as {{ dbt.type_string() }}),
        order_date,
        account_id,
        account_name,
        owner_name,
        owner_id,
        opportunity_id,
        source_status,
        status_code,
        is_cancelled,
        currency,
        subtotal,
        subtotal,
        cast(null as decimal(18, 4)),
        cast(null as decimal(9, 6)),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        created_at,
        modified_at,
        loaded_at
    from canonical_orders
),

with_customer_and_rep as (
    select
        unioned.*,
        coalesce(customer_by_id.customer_key, customer_by_name.customer_key) as customer_key,
        coalesce(rep_by_id.rep_id, rep_by_name.rep_id) as rep_id
    from unioned
    left join customer_lookup as customer_by_id
        on customer_by_id.source_system = unioned.source_system
        and customer_by_id.lookup_key = {{ dbt.concat(["'id:'", 'unioned.customer_ref_id']) }}
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = unioned.source_system
        and customer_by_name.lookup_key = {{ match_key('unioned.customer_name') }}
    {{ join_owner_rep('unioned') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['with_customer_and_rep.source_system', "'|'", 'with_customer_and_rep.order_id'])) }} as order_key,
        with_customer_and_rep.*,
        customer_matches.customer_master_key,
        cast({{ dbt.date_trunc('month', 'with_customer_and_rep.order_date') }} as date) as order_month,
{{ attribution_columns() }},
        coalesce(with_customer_and_rep.order_channel_code, customers.channel_code) as channel_code
    from with_customer_and_rep
    left join customers
        on with_customer_and_rep.customer_key = customers.customer_key
    left join customer_matches
        on with_customer_and_rep.customer_key = customer_matches.customer_key
{{ attribution_joins('with_customer_and_rep', 'order_date') }}
)

select * from final

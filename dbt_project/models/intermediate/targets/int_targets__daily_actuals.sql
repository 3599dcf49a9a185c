{#-
    The additive KPIs of KPI_DEFINITIONS per day × scope up to the as-of date — the one place
    where facts are attributed to scopes; every period total is a sum of these rows.

        revenue        Σ revenue_cny of lines of non-cancelled orders, by order date
        volume         Σ quantity of the same lines
        orders         distinct non-cancelled orders (an order has one date, so days add up)
        new_customers  customers whose first non-cancelled order is on that day (a real customer:
                       customer_master_key, one customer even when both CRMs hold it)
        collections    Σ amount_cny of payments not void, by payment date; a scope has collections
                       rows (0 on the days of its orders) only when it has a fact of a CRM that
                       delivers payments — one with a payment loaded (Fxiaoke 回款; Zoho CRM has no
                       payments entity) — so int_targets__actuals can tell 0 from unknown

    Scope of a fact: company; the owner rep (rep) and the region and team valid on the fact's
    date (as the facts carry them, SCD2); the product line (product_category) of the line; the
    channel. new_customers takes the scopes of the customer's first order (product line: none —
    an order can span several); collections take the payment's rep and the order's channel.
-#}
{%- set scopes = [
    ('company', "'company'"),
    ('region', 'region_code'),
    ('team', 'team'),
    ('rep', 'rep_id'),
    ('product_line', 'product_line'),
    ('channel', 'channel_code'),
] -%}
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

as_of as (
    select max(as_of_date) as as_of_date from calendar
),

{#- Lines summed per order and product line first: an order carries one date, rep, region,
    team and channel (int_order_lines takes them from the order), so each scope's distinct orders
    become a row count over these sums, not a distinct count over every line once per scope. -#}
order_product_lines as (
    select
        order_lines.order_date as date_day,
        order_lines.order_key,
        order_lines.region_code,
        order_lines.team,
        order_lines.rep_id,
        order_lines.channel_code,
        products.product_category as product_line,
        sum(order_lines.revenue_cny) as revenue_cny,
        sum(order_lines.quantity) as quantity
    from order_lines
    inner join as_of
        on order_lines.order_date <= as_of.as_of_date
    left join products
        on order_lines.product_key = products.product_key
    where not order_lines.is_cancelled
    group by
        order_lines.order_date, order_lines.order_key, order_lines.region_code, order_lines.team,
        order_lines.rep_id, order_lines.channel_code, products.product_category
),

order_totals as (
    select
        date_day,
        order_key,
        region_code,
        team,
        rep_id,
        channel_code,
        sum(revenue_cny) as revenue_cny,
        sum(quantity) as quantity
    from order_product_lines
    group by date_day, order_key, region_code, team, rep_id, channel_code
),

first_orders as (
    select
        order_date as date_day,
        customer_master_key,
        region_code,
        team,
        rep_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        channel_code,
        row_number() over (
            partition by customer_master_key
            order by order_date, created_at, order_key
        ) as order_rank
    from orders
    where not is_cancelled
),

new_customer_events as (
    select first_orders.*
    from first_orders
    inner join as_of
        on first_orders.date_day <= as_of.as_of_date
    where first_orders.order_rank = 1
),

payment_sources as (
    -- the CRMs that deliver a payments entity: those with a payment loaded (void or not)
    select distinct source_system from payments
),

collection_events as (
    select
        payments.payment_date as date_day,
        payments.region_code,
        payments.team,
        payments.rep_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        orders.channel_code,
        payments.amount_cny
    from payments
    inner join as_of
        on payments.payment_date <= as_of.as_of_date
    left join orders
        on payments.order_key = orders.order_key
    where not coalesce(payments.is_void, false)
    union all
    -- an order of a CRM that delivers payments makes its scopes' collections known: 0 until paid
    select
        orders.order_date,
        orders.region_code,
        orders.team,
        orders.rep_id,
        cast(null as {{ dbt.type_string() }}),
        orders.channel_code,
        0
    from orders
    inner join as_of
        on orders.order_date <= as_of.as_of_date
    inner join payment_sources
        on orders.source_system = payment_sources.source_system
),

revenue_by_scope as (
    {% for scope_type, scope_column in scopes %}
    select
        date_day,
        '{{ scope_type }}' as scope_type,
        {{ scope_column }} as scope_id,
        sum(revenue_cny) as revenue,
        sum(quantity) as volume,
        count(*) as orders
    from {{ 'order_product_lines' if scope_type == 'product_line' else 'order_totals' }}
    where {{ scope_column }} is not null
    group by date_day, {{ scope_column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

new_customers_by_scope as (
    {% for scope_type, scope_column in scopes if scope_type != 'product_line' %}
    select
        date_day,
        '{{ scope_type }}' as scope_type,
        {{ scope_column }} as scope_id,
        count(*) as new_customers
    from new_customer_events
    where {{ scope_column }} is not null
    group by date_day, {{ scope_column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

collections_by_scope as (
    {% for scope_type, scope_column in scopes if scope_type != 'product_line' %}
    select
        date_day,
        '{{ scope_type }}' as scope_type,
        {{ scope_column }} as scope_id,
        sum(amount_cny) as collections
    from collection_events
    where {{ scope_column }} is not null
    group by date_day, {{ scope_column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

unpivoted as (
    select date_day, scope_type, scope_id, 'revenue' as metric, cast(revenue as decimal(38, 6)) as actual_value
    from revenue_by_scope
    union all
    select date_day, scope_type, scope_id, 'volume', cast(volume as decimal(38, 6)) from revenue_by_scope
    union all
    select date_day, scope_type, scope_id, 'orders', cast(orders as decimal(38, 6)) from revenue_by_scope
    union all
    select date_day, scope_type, scope_id, 'new_customers', cast(new_customers as decimal(38, 6)) from new_customers_by_scope
    union all
    select date_day, scope_type, scope_id, 'collections', cast(collections as decimal(38, 6)) from collections_by_scope
),

final as (
    select * from unpivoted
)

select * from final

{#- One row per payment collected (Fxiaoke 回款): amount in the order currency and in CNY at the
    rate of the payment month (given rates only: a missing one fails the build), the order,
    customer and owner rep with region and team on the payment date (macro attribution_joins: after
    the rep left, the assignment then of the customer's owner on the payment date — the customer
    version in force that day, not today's owner — else the rep's last). -#}
with

payments as (
    select * from {{ ref('stg_fxiaoke__payments') }}
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

rep_lookup as (
    select * from {{ ref('int_rep_lookup') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
    where not is_projected
),

resolved as (
    select
        payments.*,
        orders.order_key,
        coalesce(customer_by_name.customer_key, orders.customer_key) as customer_key,
        coalesce(rep_by_name.rep_id, orders.rep_id) as rep_id,
        coalesce(orders.currency, '{{ var("default_currency") }}') as currency,
        cast({{ dbt.date_trunc('month', 'payments.payment_date') }} as date) as payment_month
    from payments
    left join orders
        on orders.source_system = 'fxiaoke'
        and orders.order_id = payments.order_no
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = 'fxiaoke'
        and customer_by_name.lookup_key = {{ match_key('payments.customer_name') }}
    left join rep_lookup as rep_by_name
        on rep_by_name.source_system = 'fxiaoke'
        and rep_by_name.lookup_key = {{ match_key('payments.owner_name') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["'fxiaoke|'", 'resolved.payment_no'])) }} as payment_key,
        'fxiaoke' as source_system,
        resolved.payment_no,
        resolved.payment_date,
        resolved.payment_month,
        resolved.order_key,
        resolved.customer_key,
        customer_matches.customer_master_key,
        resolved.rep_id,
{{ attribution_columns(['region_code', 'team']) }},
        resolved.currency,
        resolved.payment_amount as amount_local,
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('resolved.payment_amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny,
        resolved.payment_method,
        resolved.payment_status,
        resolved.is_void
    from resolved
    left join customer_matches
        on resolved.customer_key = customer_matches.customer_key
{{ attribution_joins('resolved', 'payment_date') }}
    left join fx_rates
        on fx_rates.currency = resolved.currency
        and fx_rates.rate_month = resolved.payment_month
)

select * from final

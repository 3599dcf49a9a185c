{#-
    One row per order line: revenue in the order currency and in CNY, attributed to the order
    date and to the owner rep with the region and team valid on that date. Cancelled / void
    lines stay, flagged is_cancelled; revenue KPIs exclude them.

    Incremental (macro changed_partitions): each run replaces, delete+insert by order_key, the
    lines of every order loaded since the newest row here (a line removed from an order goes
    too) and of every order whose customer, rep, region, FX rate, product or status mapping
    resolves differently now (a roster, FX sheet, customer export or seed edit changes old
    orders without reloading them); the post-hook drops lines that are gone (deleted orders,
    removed lines). The result equals a full refresh (tests/test_dbt_incremental.py), which
    stays available:
        dbt build --full-refresh --select fct_order_lines+
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    unique_key='order_key',
    on_schema_change='fail',
    post_hook="{{ delete_gone_rows('order_line_key', ref('int_order_lines')) }}"
) }}

with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

{% if is_incremental() and incremental_by_key() %}
changed_orders as (
    {{ changed_partitions('order_lines', 'order_key', 'order_line_key', [
        'customer_key', 'customer_master_key', 'product_key', 'rep_id', 'rep_key', 'region_code',
        'region_name', 'team', 'channel_code', 'fx_rate', 'is_cancelled'
    ]) }}
),
{% endif %}

final as (
    select
        order_line_key,
        order_key,
        source_system,
        order_id,
        cast(line_no as integer) as line_no,
        order_date,
        customer_key,
        customer_master_key,
        product_key,
        rep_id,
        rep_key,
        region_code,
        region_name,
        team,
        channel_code,
        cast(quantity as decimal(18, 6)) as quantity,
        unit_price,
        cast(discount_rate as decimal(18, 10)) as discount_rate,
        currency,
        revenue_local,
        fx_rate,
        revenue_cny,
        is_cancelled,
        loaded_at
        {{- pass_through_select('fct_order_lines') }}
    from order_lines
    {% if is_incremental() and incremental_by_key() -%}
    where order_key in (select order_key from changed_orders)
    {%- endif %}
)

select * from final

{#-
    One row per order line: revenue in the order currency and in CNY, attributed to the order
    date and to the owner rep with the region and team valid on that date. Cancelled / void
    lines stay, flagged is_cancelled; revenue KPIs exclude them.

    Incremental: each run replaces the lines of every order loaded since the newest row here
    (delete+insert by order_key, so a line removed from an order goes too), drops the lines of
    orders deleted from the CRM (post-hook), and reprocesses everything when a newer FX sheet or
    sales roster was loaded (rates and region/team attribution change retroactively).
    Full-refresh path, after editing a mapping seed or the revenue logic:
        dbt build --full-refresh --select fct_order_lines+
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_key',
    on_schema_change='fail',
    post_hook="delete from {{ this }} where order_key not in (select order_key from {{ ref('int_orders') }})"
) }}
-- depends_on: {{ ref('int_orders') }}
-- depends_on: {{ ref('stg_sheets__fx_rates') }}
-- depends_on: {{ ref('stg_sheets__sales_roster') }}

with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

{% if is_incremental() %}
reference_loads as (
    select loaded_at from {{ ref('stg_sheets__fx_rates') }}
    union all
    select loaded_at from {{ ref('stg_sheets__sales_roster') }}
),

changed_orders as (
    select distinct order_key
    from order_lines
    where loaded_at > (select max(loaded_at) from {{ this }})
        or (select max(loaded_at) from reference_loads) > (select max(loaded_at) from {{ this }})
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
    from order_lines
    {% if is_incremental() -%}
    where order_key in (select order_key from changed_orders)
    {%- endif %}
)

select * from final

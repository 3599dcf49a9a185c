{#- Competitor prices against own comparable products (by product code), in CNY at the rate of
    the price month, beside the own list price (the price index). -#}
with

competitor_prices as (
    select * from {{ ref('stg_sheets__competitor_prices') }}
    where not is_deleted
),

products as (
    select * from {{ ref('int_products') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

own_list_prices as (
    select product_code, max(list_price) as own_list_price
    from products
    where product_code is not null
    group by product_code
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'competitor_prices.product_code', "'|'", 'competitor_prices.competitor', "'|'",
            dbt.cast('competitor_prices.price_date', dbt.type_string())
        ])) }} as competitor_price_key,
        competitor_prices.product_code,
        competitor_prices.competitor,
        competitor_prices.competitor_product,
        competitor_prices.price_date,
        competitor_prices.currency,
        competitor_prices.competitor_price as competitor_price_local,
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('competitor_prices.competitor_price', 4) ~ ' * fx_rates.rate_to_cny') }} as competitor_price_cny,
        cast(own_list_prices.own_list_price as decimal(38, 4)) as own_list_price
    from competitor_prices
    left join own_list_prices
        on own_list_prices.product_code = competitor_prices.product_code
    left join fx_rates
        on fx_rates.currency = competitor_prices.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'competitor_prices.price_date') }} as date)
)

select * from final

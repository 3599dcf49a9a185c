{#- Competitors' estimated sales by region × period × competitor, in CNY as fct_market_size. -#}
with

competitor_sales as (
    select * from {{ ref('stg_sheets__competitor_sales') }}
    where not is_deleted
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'competitor_sales.period_grain', "'|'", dbt.cast('competitor_sales.period_start', dbt.type_string()), "'|'",
            "coalesce(competitor_sales.region_code, competitor_sales.source_region)", "'|'", 'competitor_sales.competitor'
        ])) }} as competitor_sales_key,
        competitor_sales.region_code,
        competitor_sales.source_region,
        competitor_sales.period,
        competitor_sales.period_grain,
        competitor_sales.period_start,
        competitor_sales.competitor,
        competitor_sales.currency,
        competitor_sales.competitor_sales as competitor_sales_local,
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('competitor_sales.competitor_sales', 4) ~ ' * fx_rates.rate_to_cny') }} as competitor_sales_cny
    from competitor_sales
    left join fx_rates
        on fx_rates.currency = competitor_sales.currency
        and fx_rates.rate_month = competitor_sales.period_start
)

select * from final

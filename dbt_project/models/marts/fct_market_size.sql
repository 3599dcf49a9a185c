{#- Market size by region × period (market research sheet), in its currency and in CNY at the
    rate of the period's first month (projected forward past the newest rate given). -#}
with

market_size as (
    select * from {{ ref('stg_sheets__market_size') }}
    where not is_deleted
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['market_size.period_grain', "'|'", dbt.cast('market_size.period_start', dbt.type_string()), "'|'", "coalesce(market_size.region_code, market_size.source_region)"])) }} as market_size_key,
        market_size.region_code,
        market_size.source_region,
        market_size.period,
        market_size.period_grain,
        market_size.period_start,
        market_size.currency,
        market_size.market_size as market_size_local,
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('market_size.market_size', 4) ~ ' * fx_rates.rate_to_cny') }} as market_size_cny,
        market_size.source_note
    from market_size
    left join fx_rates
        on fx_rates.currency = market_size.currency
        and fx_rates.rate_month = market_size.period_start
)

select * from final

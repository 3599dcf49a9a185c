{#- One row per currency the warehouse knows: the currencies seed (names a BI label needs) and
    every currency the FX sheet gives a rate for, with the months its rates cover. -#}
with

currencies as (
    select * from {{ ref('currencies') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
    where not is_projected
),

rate_coverage as (
    select
        currency,
        min(rate_month) as first_rate_month,
        max(rate_month) as last_rate_month
    from fx_rates
    group by currency
),

all_currencies as (
    select currency from currencies
    union
    select currency from rate_coverage
),

final as (
    select
        all_currencies.currency,
        currencies.currency_name_en,
        currencies.currency_name_zh,
        currencies.symbol,
        all_currencies.currency = '{{ var("reporting_currency") }}' as is_reporting_currency,
        rate_coverage.first_rate_month,
        rate_coverage.last_rate_month
    from all_currencies
    left join currencies on currencies.currency = all_currencies.currency
    left join rate_coverage on rate_coverage.currency = all_currencies.currency
)

select * from final

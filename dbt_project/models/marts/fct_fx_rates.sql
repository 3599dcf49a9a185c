{#- Rate to CNY per currency × month as the warehouse applies it: given by the FX sheet, 1 for
    CNY, or projected (the newest given rate carried forward, for forward-looking figures). -#}
with

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

final as (
    select
        currency,
        rate_month,
        rate_to_cny,
        is_projected
    from fx_rates
)

select * from final

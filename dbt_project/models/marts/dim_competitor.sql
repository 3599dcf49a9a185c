{#- Competitors named in the market sheets (sales estimates and price lists). -#}
with

competitor_sales as (
    select * from {{ ref('stg_sheets__competitor_sales') }}
    where not is_deleted
),

competitor_prices as (
    select * from {{ ref('stg_sheets__competitor_prices') }}
    where not is_deleted
),

named as (
    select competitor, true as in_sales_estimates, false as in_price_lists from competitor_sales
    union all
    select competitor, false, true from competitor_prices
),

final as (
    select
        competitor,
        max(case when in_sales_estimates then 1 else 0 end) = 1 as in_sales_estimates,
        max(case when in_price_lists then 1 else 0 end) = 1 as in_price_lists
    from named
    where competitor is not null
    group by competitor
)

select * from final

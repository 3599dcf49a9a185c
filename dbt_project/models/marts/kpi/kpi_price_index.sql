{#-
    Price index of own products against competitors' comparable products, per product ×
    competitor × month of the price survey (KPI_DEFINITIONS "Market"):

        price_index          own list price / competitor price × 100 (in CNY; > 100: dearer)
        avg_price_index      the mean of price_index over the competitors priced for the product
                             in the same month
    A competitor priced twice in one month counts with its latest price. own_list_price is the
    product's current list price (dim_product via fct_competitor_prices).
-#}
with

competitor_prices as (
    select * from {{ ref('fct_competitor_prices') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

product_names as (
    select product_code, max(product_name) as product_name, max(product_category) as product_line
    from products
    where product_code is not null
    group by product_code
),

latest_in_month as (
    select
        competitor_prices.*,
        cast({{ dbt.date_trunc('month', 'price_date') }} as date) as period_start,
        row_number() over (
            partition by product_code, competitor, {{ dbt.date_trunc('month', 'price_date') }}
            order by price_date desc
        ) as price_rank
    from competitor_prices
),

indexed as (
    select
        'month' as period_grain,
        latest_in_month.period_start,
        latest_in_month.product_code,
        product_names.product_name,
        product_names.product_line,
        latest_in_month.competitor,
        latest_in_month.competitor_product,
        latest_in_month.price_date,
        latest_in_month.own_list_price,
        latest_in_month.competitor_price_cny as competitor_price,
        case when latest_in_month.competitor_price_cny <> 0
            then cast(latest_in_month.own_list_price as {{ kpi_type_ratio() }}) / latest_in_month.competitor_price_cny * 100
        end as price_index
    from latest_in_month
    left join product_names
        on product_names.product_code = latest_in_month.product_code
    where latest_in_month.price_rank = 1
),

final as (
    select
        period_grain,
        period_start,
        product_code,
        product_name,
        product_line,
        competitor,
        competitor_product,
        price_date,
        cast(own_list_price as decimal(38, 4)) as own_list_price,
        cast(competitor_price as decimal(38, 4)) as competitor_price,
        cast(price_index as {{ kpi_type_ratio() }}) as price_index,
        -- averaged as decimals, so the figure does not depend on the order of a parallel sum
        cast(avg(cast(price_index as {{ dbt.type_numeric() }})) over (partition by period_start, product_code) as {{ kpi_type_ratio() }}) as avg_price_index,
        cast(count(price_index) over (partition by period_start, product_code) as {{ dbt.type_bigint() }}) as competitors_priced
    from indexed
)

select * from final

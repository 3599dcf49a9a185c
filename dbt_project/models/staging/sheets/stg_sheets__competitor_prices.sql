with

source as (
    select * from {{ source('sheets', 'competitor_prices') }}
),

newest_versions as (
    {{ newest_version('source', ['product_code', 'competitor', 'price_date']) }}
),

renamed as (
    select
        product_code,
        trim(competitor) as competitor,
        competitor_product,
        {{ to_money('competitor_price') }} as competitor_price,
        {{ normalize_currency('currency') }} as currency,
        price_date,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed

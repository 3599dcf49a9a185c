with

source as (
    select * from {{ source('fxiaoke', 'products') }}
),

newest_versions as (
    {{ newest_version('source', ['product_code'], 'last_modified_time') }}
),

renamed as (
    select
        product_code,
        product_name,
        product_category,
        {{ to_money('list_price') }} as list_price,
        unit,
        on_shelf,
        {{ fxiaoke_common_columns() }}
    from newest_versions
)

select * from renamed

with

source as (
    select * from {{ source('zoho', 'products') }}
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as product_id,
        product_name,
        product_code,
        product_category,
        {{ to_money('unit_price') }} as list_price,
        product_active as is_active,
        vendor_name,
        modified_time as modified_at,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed

with

products as (
    select * from {{ ref('int_products') }}
),

final as (
    select
        product_key,
        source_system,
        product_id,
        crm_record_id,
        product_code,
        product_name,
        product_category,
        list_price,
        is_active,
        is_inferred
    from products
)

select * from final

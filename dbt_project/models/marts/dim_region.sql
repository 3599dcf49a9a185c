with

regions as (
    select * from {{ ref('regions') }}
),

final as (
    select
        region_code,
        region_name,
        region_name_en,
        parent_region_code,
        region_level,
        sort_order
    from regions
)

select * from final

{#- Line reference → product_key (the conformed product): 'code:<product code>', 'id:<CRM
    record id>' or the trimmed lower-case name (names of one product only). -#}
with

products as (
    select * from {{ ref('int_products') }}
),

by_code as (
    select source_system, {{ dbt.concat(["'code:'", 'product_code']) }} as lookup_key, min(product_key) as product_key
    from products
    where product_code is not null
    group by source_system, product_code
),

by_record_id as (
    select source_system, {{ dbt.concat(["'id:'", 'crm_record_id']) }} as lookup_key, min(product_key) as product_key
    from products
    where crm_record_id is not null
    group by source_system, crm_record_id
),

by_name as (
    select source_system, {{ match_key('product_name') }} as lookup_key, min(product_key) as product_key
    from products
    where product_name is not null
    group by source_system, {{ match_key('product_name') }}
    having count(distinct product_key) = 1
),

final as (
    select * from by_code
    union all
    select * from by_record_id
    union all
    select * from by_name
)

select * from final

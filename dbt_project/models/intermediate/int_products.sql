{#-
    Products of every CRM, one row per CRM product (the source rows behind the conformed
    dim_product), keyed by product code (or name when a product has no code). A product sold on
    an order line but missing from the product exports still gets a row (is_inferred), so every
    line has its product.
    - source_product_key: this CRM row (hash of source_system + product_id);
    - product_key: the conformed product, shared by the CRMs that sell the same product code
      (Zoho's English and Fxiaoke's Chinese names of one product); a product without a code is
      its own product within its CRM;
    - product_line_code: the category mapped by seed product_line_mapping.
-#}
with

zoho_products as (
    select * from {{ ref('stg_zoho__products') }}
    where not is_deleted
),

fxiaoke_products as (
    select * from {{ ref('stg_fxiaoke__products') }}
    where not is_deleted
),

zoho_lines as (
    select product_name, product_code from {{ ref('stg_zoho__sales_order_lines') }}
    union all
    select product_name, product_code from {{ ref('stg_zoho__sales_order_line_items') }}
),

fxiaoke_lines as (
    select product_name, product_code from {{ ref('stg_fxiaoke__order_lines') }}
),

-- the canonical CRMs export no product list: their products are the ones their lines name
canonical_lines as (
    select source_system, product_name, product_code from {{ ref('stg_crm__order_lines') }}
),

product_line_mapping as (
    select * from {{ ref('product_line_mapping') }}
),

exported_products as (
    select
        'zoho' as source_system,
        coalesce(product_code, product_name) as product_id,
        product_id as crm_record_id,
        product_name,
        product_code,
        product_category,
        list_price,
        is_active,
        false as is_inferred
    from zoho_products
    union all
    select
        'fxiaoke',
        product_code,
        data_id,
        product_name,
        product_code,
        product_category,
        list_price,
        on_shelf is null or on_shelf not in ('下架', '已下架', '否'),
        false
    from fxiaoke_products
),

line_references as (
    select distinct 'zoho' as source_system, product_name, product_code from zoho_lines
    union
    select distinct 'fxiaoke', product_name, product_code from fxiaoke_lines
    union
    select distinct source_system, product_name, product_code from canonical_lines
),

unmatched_references as (
    select line_references.*
    from line_references
    left join exported_products as by_code
        on by_code.source_system = line_references.source_system
        and by_code.product_code = line_references.product_code
    left join exported_products as by_name
        on by_name.source_system = line_references.source_system
        and {{ match_key('by_name.product_name') }} = {{ match_key('line_references.product_name') }}
    where by_code.product_id is null and by_name.product_id is null
),

inferred_products as (
    select
        source_system,
        coalesce(product_code, product_name) as product_id,
        cast(null as {{ dbt.type_string() }}) as crm_record_id,
        max(product_name) as product_name,
        max(product_code) as product_code,
        cast(null as {{ dbt.type_string() }}) as product_category,
        cast(null as decimal(18, 4)) as list_price,
        cast(null as {{ dbt.type_boolean() }}) as is_active,
        true as is_inferred
    from unmatched_references
    where coalesce(product_code, product_name) is not null
    group by source_system, coalesce(product_code, product_name)
),

all_products as (
    select * from exported_products
    union all
    select * from inferred_products
),

final as (
    select
        case
            when all_products.product_code is not null
                then {{ dbt.hash(dbt.concat(["'code|'", 'all_products.product_code'])) }}
            else {{ dbt.hash(dbt.concat(["'name|'", 'all_products.source_system', "'|'", 'all_products.product_id'])) }}
        end as product_key,
        {{ dbt.hash(dbt.concat(['all_products.source_system', "'|'", 'all_products.product_id'])) }} as source_product_key,
        all_products.*,
        product_line_mapping.product_line_code
    from all_products
    left join product_line_mapping
        on {{ match_key('all_products.product_category') }} = {{ match_key('product_line_mapping.source_value') }}
)

select * from final

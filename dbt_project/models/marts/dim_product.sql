{#-
    The conformed product: one row per product code, whatever CRM sells it (Zoho names it in
    English, Fxiaoke in Chinese: the product code is the join key), plus one row per product
    without a code in each CRM. Name and list price come from the first CRM of var
    product_name_sources that has the product; product_names lists every CRM's name. The product
    line is the CRM category mapped by seed product_line_mapping (product_category is its
    Chinese name, the same in every CRM). The CRM rows behind each product are int_products.
-#}
with

products as (
    select * from {{ ref('int_products') }}
),

product_lines as (
    select * from {{ ref('product_lines') }}
),

ranked as (
    select
        products.*,
        row_number() over (
            partition by product_key
            order by
                case when is_inferred then 1 else 0 end,
                case source_system
                    {%- for source in var('product_name_sources') %}
                    when '{{ source }}' then {{ loop.index }}
                    {%- endfor %}
                    else {{ var('product_name_sources') | length + 1 }}
                end,
                source_system,
                product_id
        ) as source_rank
    from products
),

preferred as (
    select * from ranked
    where source_rank = 1
),

distinct_names as (
    select distinct product_key, source_system, product_name
    from products
    where product_name is not null
),

names as (
    select
        product_key,
        {{ dbt.listagg('product_name', "' / '", 'order by source_system, product_name') }} as product_names
    from distinct_names
    group by product_key
),

distinct_sources as (
    select distinct product_key, source_system
    from products
),

sources as (
    select
        product_key,
        {{ dbt.listagg('source_system', "', '", 'order by source_system') }} as source_systems
    from distinct_sources
    group by product_key
),

rolled_up as (
    select
        product_key,
        max(product_line_code) as product_line_code,
        max(case when is_active then 1 else 0 end) = 1 as is_active,
        min(case when is_inferred then 1 else 0 end) = 1 as is_inferred,
        count(*) as source_records
    from products
    group by product_key
),

final as (
    select
        preferred.product_key,
        preferred.product_code,
        preferred.product_name,
        names.product_names,
        rolled_up.product_line_code,
        product_lines.product_line_name,
        product_lines.product_line_name_en,
        coalesce(product_lines.product_line_name, preferred.product_category) as product_category,
        preferred.list_price,
        rolled_up.is_active,
        rolled_up.is_inferred,
        sources.source_systems,
        cast(rolled_up.source_records as integer) as source_records
    from preferred
    inner join rolled_up
        on preferred.product_key = rolled_up.product_key
    left join names
        on preferred.product_key = names.product_key
    left join sources
        on preferred.product_key = sources.product_key
    left join product_lines
        on rolled_up.product_line_code = product_lines.product_line_code
)

select * from final

{#- Reference → customer_key: 'id:<record id>' (Zoho lookups) or the trimmed lower-case name
    (Fxiaoke relations, Zoho exports without ids, survey sheets). A name two customers share
    within one CRM is left out rather than guessed. -#}
with

customers as (
    select * from {{ ref('int_customers') }}
),

by_id as (
    select
        source_system,
        {{ dbt.concat(["'id:'", 'customer_id']) }} as lookup_key,
        customer_key
    from customers
),

by_name as (
    select
        source_system,
        {{ match_key('customer_name') }} as lookup_key,
        min(customer_key) as customer_key
    from customers
    where customer_name is not null
    group by source_system, {{ match_key('customer_name') }}
    having count(*) = 1
),

final as (
    select * from by_id
    union all
    select * from by_name
)

select * from final

{#- One row per service case or complaint: opened, resolved, hours to resolve, property incidents. -#}
with

service_cases as (
    select * from {{ ref('int_service_cases') }}
),

final as (
    select
        case_key,
        source_system,
        case_id,
        case_number,
        subject,
        case_type,
        case_origin,
        priority,
        source_status,
        status_code,
        is_resolved,
        opened_at,
        cast(opened_at as date) as opened_date,
        resolved_at,
        cast(hours_to_resolve as decimal(18, 4)) as hours_to_resolve,
        coalesce(is_property_incident, false) as is_property_incident,
        customer_key,
        customer_master_key,
        rep_id
    from service_cases
)

select * from final

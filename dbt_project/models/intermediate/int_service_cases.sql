{#- Service cases and complaints of both CRMs (Zoho Cases, Fxiaoke 工单/投诉) with customer and
    owner rep resolved and the hours to resolve. -#}
with

zoho_cases as (
    select * from {{ ref('stg_zoho__cases') }}
    where not is_deleted
),

fxiaoke_cases as (
    select * from {{ ref('stg_fxiaoke__cases') }}
    where not is_deleted
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

property_incident_case_types as (
    select * from {{ ref('property_incident_case_types') }}
),

rep_lookup as (
    select * from {{ ref('int_rep_lookup') }}
),

unioned as (
    select
        'zoho' as source_system,
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
        closed_at as resolved_at,
        -- Zoho has no incident flag: a case type listed in seeds/property_incident_case_types is one
        case_type in (select case_type from property_incident_case_types where source_system = 'zoho')
            as is_property_incident,
        account_id as customer_ref_id,
        account_name as customer_name,
        owner_name
    from zoho_cases
    union all
    select
        'fxiaoke',
        case_no,
        case_no,
        cast(null as {{ dbt.type_string() }}),
        case_type,
        cast(null as {{ dbt.type_string() }}),
        priority,
        source_status,
        status_code,
        is_resolved,
        opened_at,
        resolved_at,
        coalesce(property_incident, false)
            or case_type in (select case_type from property_incident_case_types where source_system = 'fxiaoke'),
        cast(null as {{ dbt.type_string() }}),
        customer_name,
        owner_name
    from fxiaoke_cases
),

final as (
    select
        {{ dbt.hash(dbt.concat(['unioned.source_system', "'|'", 'unioned.case_id'])) }} as case_key,
        unioned.*,
        coalesce(customer_by_id.customer_key, customer_by_name.customer_key) as customer_key,
        customer_matches.customer_master_key,
        rep_by_name.rep_id,
        case
            when unioned.resolved_at is not null
                then {{ dbt.datediff('unioned.opened_at', 'unioned.resolved_at', 'second') }} / 3600.0
        end as hours_to_resolve
    from unioned
    left join customer_lookup as customer_by_id
        on customer_by_id.source_system = unioned.source_system
        and customer_by_id.lookup_key = {{ dbt.concat(["'id:'", 'unioned.customer_ref_id']) }}
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = unioned.source_system
        and customer_by_name.lookup_key = {{ match_key('unioned.customer_name') }}
    left join customer_matches
        on customer_matches.customer_key = coalesce(customer_by_id.customer_key, customer_by_name.customer_key)
    left join rep_lookup as rep_by_name
        on rep_by_name.source_system = unioned.source_system
        and rep_by_name.lookup_key = {{ match_key('unioned.owner_name') }}
)

select * from final

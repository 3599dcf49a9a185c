with

source as (
    select * from {{ source('fxiaoke', 'cases') }}
),

status_mapping as (
    select * from {{ ref('case_status_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', ['case_no'], 'last_modified_time') }}
),

renamed as (
    select
        case_no,
        customer_name,
        case_type,
        case_status as source_status,
        priority,
        coalesce(opened_time, created_time) as opened_at,
        resolved_time as resolved_at,
        property_incident,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        status_mapping.status_code,
        coalesce(status_mapping.is_resolved, renamed.resolved_at is not null) as is_resolved
    from renamed
    left join status_mapping
        on {{ match_key('renamed.source_status') }} = {{ match_key('status_mapping.source_status') }}
)

select * from mapped

with

source as (
    select * from {{ source('zoho', 'cases') }}
),

status_mapping as (
    select * from {{ ref('case_status_mapping') }}
    where source_system = 'zoho'
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as case_id,
        case_number,
        subject,
        status as source_status,
        priority,
        case_origin,
        case_type,
        account_id,
        account_name,
        owner as owner_name,
        created_time as opened_at,
        closed_time as closed_at,
        modified_time as modified_at,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        status_mapping.status_code,
        coalesce(status_mapping.is_resolved, renamed.closed_at is not null) as is_resolved
    from renamed
    left join status_mapping
        on {{ match_key('renamed.source_status') }} = {{ match_key('status_mapping.source_status') }}
)

select * from mapped

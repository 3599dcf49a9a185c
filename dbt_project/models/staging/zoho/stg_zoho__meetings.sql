with

source as (
    select * from {{ source('zoho', 'meetings') }}
),

activity_type_mapping as (
    select * from {{ ref('activity_type_mapping') }}
    where source_system = 'zoho' and source_type = 'meetings'
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as meeting_id,
        title,
        start_time as started_at,
        end_time as ended_at,
        venue,
        related_to,
        related_to_id,
        owner as owner_name,
        modified_time as modified_at,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        activity_type_mapping.activity_type_code
    from renamed
    left join activity_type_mapping on 1 = 1
)

select * from mapped

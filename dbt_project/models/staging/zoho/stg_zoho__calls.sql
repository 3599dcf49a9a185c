with

source as (
    select * from {{ source('zoho', 'calls') }}
),

activity_type_mapping as (
    select * from {{ ref('activity_type_mapping') }}
    where source_system = 'zoho' and source_type = 'calls'
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as call_id,
        subject,
        call_type as call_direction,
        call_start_time as started_at,
        -- Zoho exports the duration in minutes or in seconds, depending on the org's setting
        coalesce(call_duration_minutes, call_duration_seconds / 60) as duration_minutes,
        call_result,
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

with

source as (
    select * from {{ source('zoho', 'meetings') }}
),

activity_type_mapping as (
    select * from {{ ref('activity_type_mapping') }}
    where source_system = 'zoho'
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
        -- A meeting with a customer record or a venue is a visit; one with neither is internal.
        case
            when coalesce(related_to, related_to_id, venue) is null then 'internal_meetings'
            else 'meetings'
        end as source_type,
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
    left join activity_type_mapping
        on renamed.source_type = activity_type_mapping.source_type
)

select * from mapped

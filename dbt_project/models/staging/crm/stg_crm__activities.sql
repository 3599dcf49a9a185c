{#- Calls, e-mails and meetings of every canonical CRM (var crm_sources), newest version per CRM
    and activity id; the type through seed activity_type_mapping (source_system the CRM,
    source_type the exported type), as 纷享销客 跟进类型 is. -#}
with

source as (
    select * from {{ source('crm', 'activities') }}
),

activity_type_mapping as (
    select * from {{ ref('activity_type_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'activity_id'], 'modified_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        activity_id,
        activity_type as source_type,
        activity_at,
        subject,
        account_id,
        account_name,
        opportunity_id,
        owner_id,
        owner_name,
        duration_minutes,
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
        on activity_type_mapping.source_system = renamed.source_system
        and {{ match_key('renamed.source_type') }} = {{ match_key('activity_type_mapping.source_type') }}
)

select * from mapped

with

source as (
    select * from {{ source('fxiaoke', 'opportunity_stage_history') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', ['opportunity_name', 'sales_stage', 'changed_time'], 'changed_time') }}
),

renamed as (
    select
        opportunity_name,
        sales_stage as source_stage,
        changed_time as changed_at,
        changed_by,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage('stage_mapping', 'renamed.source_stage') }}
    from renamed
    left join stage_mapping
        on {{ match_key('renamed.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
)

select * from mapped

with

source as (
    select * from {{ source('zoho', 'deal_stage_history') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'zoho'
),

newest_versions as (
    {{ newest_version('source', ['deal_id', 'stage', 'changed_time'], 'changed_time') }}
),

renamed as (
    select
        deal_id,
        stage as source_stage,
        changed_time as changed_at,
        changed_by,
        {{ to_money('amount') }} as amount,
        probability,
        closing_date,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage('stage_mapping', 'renamed.source_stage', 'renamed.probability') }}
    from renamed
    left join stage_mapping
        on {{ match_key('renamed.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
)

select * from mapped

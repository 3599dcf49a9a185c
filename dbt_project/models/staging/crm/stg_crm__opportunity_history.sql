{#- Stage history exported by a canonical CRM (Salesforce OpportunityHistory.csv): one row per
    CRM × opportunity × stage × time, stage mapped by seed stage_mapping (rows for every pipeline). -#}
with

source as (
    select * from {{ source('crm', 'opportunity_history') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where pipeline is null
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'opportunity_id', 'stage', 'changed_at'], 'changed_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        opportunity_id,
        stage as source_stage,
        changed_at,
        changed_by,
        {{ to_money('amount') }} as amount,
        probability,
        close_date,
        is_deleted or coalesce(crm_deleted, false) as is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage('stage_mapping', 'renamed.source_stage', 'renamed.probability') }}
    from renamed
    left join stage_mapping
        on stage_mapping.source_system = renamed.source_system
        and {{ match_key('renamed.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
)

select * from mapped

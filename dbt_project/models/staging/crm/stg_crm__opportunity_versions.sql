{#- Every version of every canonical-CRM opportunity the raw zone holds, one row per CRM ×
    opportunity × Modified Time × stage, stage mapped by seed stage_mapping as in
    stg_crm__opportunities (the version's pipeline first): the basis of stage history derived from versions, for a CRM that exports none
    (int_opportunity_stage_history). -#}
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

versions as (
    select
        _source_system as source_system,
        opportunity_id,
        stage as source_stage,
        pipeline,
        min(created_at) as created_at,
        modified_at,
        cast(null as {{ dbt.type_string() }}) as modified_by,
        min(_load_id) as first_load_id,
        max(_loaded_at) as loaded_at
    from source
    where opportunity_id is not null
        and stage is not null
    group by _source_system, opportunity_id, stage, pipeline, modified_at
),

mapped as (
    select
        versions.*,
        {{ mapped_stage(['pipeline_stage', 'any_pipeline_stage'], 'versions.source_stage') }}
    from versions
    {{ join_pipeline_stages('versions') }}
)

select * from mapped

{#- Every version of every canonical-CRM opportunity the raw zone holds, one row per CRM ×
    opportunity × Modified Time × stage, stage mapped by seed stage_mapping as in
    stg_crm__opportunities (the version's pipeline first), with the amount, currency,
    probability, close date and forecast category of that version: the basis of stage history
    derived from versions, for a CRM that exports none (int_opportunity_stage_history), and of
    the pipeline as it stood on a past day (int_opportunity_states). -#}
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
        {{ to_money('max(amount)') }} as amount,
        {{ normalize_currency('max(currency)') }} as currency,
        max(probability) as probability,
        max(close_date) as expected_close_date,
        max(forecast_category) as forecast_category,
        cast(null as {{ dbt.type_string() }}) as modified_by,
        min(_load_id) as first_load_id,
        min(_loaded_at) as first_loaded_at,
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

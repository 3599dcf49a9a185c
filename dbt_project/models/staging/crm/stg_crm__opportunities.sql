{#- Opportunities (Salesforce Opportunities, HubSpot deals, …) of every canonical CRM, newest
    version per CRM and opportunity id, stage mapped by seed stage_mapping: a row for the
    opportunity's pipeline first, else a row for every pipeline (empty pipeline). A stage the
    seed does not know is decided by the CRM's own flags (IsWon / IsClosed, hs_is_closed_won /
    hs_is_closed), else by the probability (100 % won, 0 % lost), else open — and named by a
    warning. -#}
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'opportunity_id'], 'modified_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        opportunity_id,
        opportunity_name,
        account_id,
        account_name,
        owner_id,
        owner_name,
        {{ to_money('amount') }} as amount,
        {{ normalize_currency('currency') }} as currency,
        close_date,
        stage as source_stage,
        pipeline,
        probability,
        is_won,
        is_closed,
        -- the CRM's own verdict as a probability, for a stage the seed does not know
        case when is_won then 1 when is_closed then 0 else probability end as closed_probability,
        opportunity_type,
        lead_source,
        forecast_category,
        next_step,
        lost_reason,
        created_at,
        modified_at,
        is_deleted or coalesce(crm_deleted, false) as is_deleted,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage(['pipeline_stage', 'any_pipeline_stage'], 'renamed.source_stage', 'renamed.closed_probability') }},
        coalesce(renamed.probability, pipeline_stage.default_probability, any_pipeline_stage.default_probability) as win_probability
    from renamed
    {{ join_pipeline_stages('renamed') }}
)

select * from mapped

with

source as (
    select * from {{ source('zoho', 'deals') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'zoho'
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as deal_id,
        deal_name,
        deal_owner as owner_name,
        deal_owner_id as owner_id,
        account_id,
        account_name,
        contact_name,
        {{ to_money('amount') }} as amount,
        {{ normalize_currency('currency') }} as currency,
        exchange_rate,
        closing_date,
        stage as source_stage,
        probability,
        {{ to_money('expected_revenue') }} as expected_revenue,
        deal_type,
        lead_source,
        campaign_source,
        next_step,
        description,
        created_by,
        created_time as created_at,
        modified_by,
        modified_time as modified_at,
        is_deleted,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage('stage_mapping', 'renamed.source_stage', 'renamed.probability') }},
        coalesce(renamed.probability, stage_mapping.default_probability) as win_probability
    from renamed
    left join stage_mapping
        on {{ match_key('renamed.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
)

select * from mapped

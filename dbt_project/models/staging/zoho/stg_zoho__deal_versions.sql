{#- Every version of every Zoho Deal the raw zone holds (the raw zone is append-only: each load
    of a deal adds a row), one row per deal × Modified Time × stage, stage mapped by seed
    stage_mapping, with the amount, currency, probability and closing date of that version. The
    basis of stage history derived from versions, for deals whose Stage History was not exported
    (int_opportunity_stage_history), and of the pipeline as it stood on a past day
    (int_opportunity_states). -#}
with

source as (
    select * from {{ source('zoho', 'deals') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'zoho'
),

versions as (
    select
        record_id as deal_id,
        stage as source_stage,
        min(created_time) as created_at,
        modified_time as modified_at,
        {{ to_money('max(amount)') }} as amount,
        {{ normalize_currency('max(currency)') }} as currency,
        max(probability) as probability,
        max(closing_date) as closing_date,
        max(modified_by) as modified_by,
        min(_load_id) as first_load_id,
        min(_loaded_at) as first_loaded_at,
        max(_loaded_at) as loaded_at
    from source
    where record_id is not null
        and stage is not null
    group by record_id, stage, modified_time
),

mapped as (
    select
        versions.*,
        {{ mapped_stage('stage_mapping', 'versions.source_stage') }}
    from versions
    left join stage_mapping
        on {{ match_key('versions.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
)

select * from mapped

{#- 纷享销客 商机, newest version per 商机编号 (per 商机名称 when the export has no 编号). -#}
{%- set opportunity_id = 'coalesce(opportunity_no, opportunity_name)' %}
with

source as (
    select * from {{ source('fxiaoke', 'opportunities') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'fxiaoke'
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', [opportunity_id], 'last_modified_time') }}
),

renamed as (
    select
        {{ opportunity_id }} as opportunity_id,
        opportunity_name,
        opportunity_no,
        customer_name,
        {{ to_money('amount') }} as amount,
        '{{ var("default_currency") }}' as currency,
        sales_stage as source_stage,
        win_probability as probability,
        expected_close_date,
        closed_date,
        lost_reason,
        opportunity_source,
        sales_process,
        _extra as extra,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        {{ mapped_stage('stage_mapping', 'renamed.source_stage', 'renamed.probability') }},
        coalesce(renamed.probability, stage_mapping.default_probability) as win_probability,
        coalesce(life_status.is_cancelled, false) as is_void
    from renamed
    left join stage_mapping
        on {{ match_key('renamed.source_stage') }} = {{ match_key('stage_mapping.source_stage') }}
    left join status_mapping as life_status
        on {{ match_key('renamed.life_status') }} = {{ match_key('life_status.source_status') }}
)

select * from mapped

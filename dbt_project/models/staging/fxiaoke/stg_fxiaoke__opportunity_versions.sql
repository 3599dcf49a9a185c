{#- Every version of every 纷享销客 商机 the raw zone holds, one row per 商机 (编号, else 名称) × 最后修改时间 ×
    销售阶段, stage mapped by seed stage_mapping, with the 商机金额, 赢率 and 预计成交日期 of that version.
    The basis of stage history derived from versions, for opportunities whose 商机阶段变更记录 was not
    exported (int_opportunity_stage_history), and of the pipeline on a past day (int_opportunity_states). -#}
with

source as (
    select * from {{ source('fxiaoke', 'opportunities') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
    where source_system = 'fxiaoke'
),

versions as (
    select
        coalesce(opportunity_no, opportunity_name) as opportunity_id,
        sales_stage as source_stage,
        min(created_time) as created_at,
        last_modified_time as modified_at,
        {{ to_money('max(amount)') }} as amount,
        '{{ var("default_currency") }}' as currency,
        max(win_probability) as probability,
        max(expected_close_date) as expected_close_date,
        max(last_modified_by) as modified_by,
        min(_load_id) as first_load_id,
        min(_loaded_at) as first_loaded_at,
        max(_loaded_at) as loaded_at
    from source
    where opportunity_name is not null
        and sales_stage is not null
    group by coalesce(opportunity_no, opportunity_name), sales_stage, last_modified_time
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

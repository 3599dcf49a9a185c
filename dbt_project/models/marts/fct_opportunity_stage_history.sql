{#- One row per stage an opportunity entered (CRM stage history exports), with the time it left
    it: stage conversion and time in stage. -#}
with

stage_history as (
    select * from {{ ref('int_opportunity_stage_history') }}
),

final as (
    select
        stage_change_key,
        opportunity_key,
        source_system,
        opportunity_id,
        source_stage,
        stage_code,
        stage_group,
        cast(stage_order as integer) as stage_order,
        cast(stage_sequence as integer) as stage_sequence,
        entered_at,
        exited_at,
        is_current_stage,
        cast(hours_in_stage as decimal(18, 4)) as hours_in_stage,
        changed_by
    from stage_history
)

select * from final

{#- Stage changes of both CRMs' opportunities, one row per stage entered, with the time it was
    left (the next change) — the basis of stage conversion and time in stage. -#}
with

zoho_history as (
    select * from {{ ref('stg_zoho__deal_stage_history') }}
    where not is_deleted
),

fxiaoke_history as (
    select * from {{ ref('stg_fxiaoke__opportunity_stage_history') }}
    where not is_deleted
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

unioned as (
    select
        'zoho' as source_system, deal_id as opportunity_id, source_stage, stage_code, stage_group,
        stage_order, changed_at as entered_at, changed_by
    from zoho_history
    union all
    select
        'fxiaoke', opportunity_name, source_stage, stage_code, stage_group,
        stage_order, changed_at, changed_by
    from fxiaoke_history
),

sequenced as (
    select
        unioned.*,
        lead(entered_at) over (partition by source_system, opportunity_id order by entered_at) as exited_at,
        row_number() over (partition by source_system, opportunity_id order by entered_at) as stage_sequence
    from unioned
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'sequenced.source_system', "'|'", 'sequenced.opportunity_id', "'|'",
            'sequenced.source_stage', "'|'", dbt.cast('sequenced.entered_at', dbt.type_string())
        ])) }} as stage_change_key,
        opportunities.opportunity_key,
        sequenced.*,
        sequenced.exited_at is null as is_current_stage,
        {{ dbt.datediff('sequenced.entered_at', 'sequenced.exited_at', 'second') }} / 3600.0 as hours_in_stage
    from sequenced
    left join opportunities
        on opportunities.source_system = sequenced.source_system
        and opportunities.opportunity_id = sequenced.opportunity_id
)

select * from final

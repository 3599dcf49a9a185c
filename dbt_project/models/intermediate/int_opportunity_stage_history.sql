{#-
    Stages entered by the opportunities of every CRM (Zoho, Fxiaoke, the canonical CRMs), one row per stage entered, with the time
    it was left (the next stage entered): the basis of stage conversion and time in stage.

    - history_origin 'exported': the CRM's own stage history (Zoho Stage History, Fxiaoke
      商机阶段变更记录, Salesforce OpportunityHistory), when it holds rows for the opportunity.
    - history_origin 'derived_from_versions': for an opportunity without exported history (a CRM
      that exports none, or an opportunity missing from the export), the stages seen in
      successive raw versions of the opportunity (int_opportunity_versions, in the order seen): a
      row each time the stage differs from the previous version's. entered_at is the Modified
      Time of the first version showing the stage — an upper bound: the stage may have been
      entered earlier, between two loads, and a stage entered and left between two loads is
      not seen at all.
    Only opportunities that still exist (int_opportunities) keep their history.
    loaded_at is the newest load behind the row or its opportunity (incremental facts use it).
-#}
with

zoho_history as (
    select * from {{ ref('stg_zoho__deal_stage_history') }}
    where not is_deleted
),

fxiaoke_history as (
    select * from {{ ref('stg_fxiaoke__opportunity_stage_history') }}
    where not is_deleted
),

canonical_history as (
    select * from {{ ref('stg_crm__opportunity_history') }}
    where not is_deleted
),

opportunity_versions as (
    select * from {{ ref('int_opportunity_versions') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

opportunity_lookup as (
    select * from {{ ref('int_opportunity_lookup') }}
),

exported as (
    select
        'zoho' as source_system, deal_id as opportunity_id, source_stage, stage_code, stage_group,
        stage_order, changed_at as entered_at, changed_by, loaded_at
    from zoho_history
    union all
    select
        'fxiaoke', opportunity_lookup.opportunity_id, source_stage, stage_code, stage_group,
        stage_order, changed_at, changed_by, fxiaoke_history.loaded_at
    from fxiaoke_history
    -- the 商机阶段变更记录 names the 商机: a name two 商机 share matches neither
    inner join opportunity_lookup
        on opportunity_lookup.source_system = 'fxiaoke'
        and opportunity_lookup.lookup_ref = fxiaoke_history.opportunity_name
    union all
    -- a Salesforce OpportunityHistory row repeats the stage when the amount or close date changes:
    -- only a change of stage enters one
    select
        source_system, opportunity_id, source_stage, stage_code, stage_group,
        stage_order, changed_at, changed_by, loaded_at
    from (
        select
            canonical_history.*,
            lag(source_stage) over (partition by source_system, opportunity_id order by changed_at) as previous_stage
        from canonical_history
    ) as canonical_changes
    where previous_stage is null or previous_stage <> source_stage
),

opportunities_with_exported_history as (
    select distinct source_system, opportunity_id
    from exported
),

versions_without_exported_history as (
    select opportunity_versions.*
    from opportunity_versions
    left join opportunities_with_exported_history as exported_ids
        on opportunity_versions.source_system = exported_ids.source_system
        and opportunity_versions.opportunity_id = exported_ids.opportunity_id
    where exported_ids.opportunity_id is null
),

versions_with_previous as (
    select
        versions_without_exported_history.*,
        lag(source_stage) over (partition by opportunity_key order by version_sequence) as previous_stage,
        max(loaded_at) over (partition by opportunity_key) as opportunity_loaded_at
    from versions_without_exported_history
),

derived as (
    select
        source_system, opportunity_id, source_stage, stage_code, stage_group,
        stage_order, seen_at as entered_at, modified_by as changed_by, opportunity_loaded_at as loaded_at
    from versions_with_previous
    where previous_stage is null
        or previous_stage <> source_stage
),

unioned as (
    select exported.*, 'exported' as history_origin from exported
    union all
    select derived.*, 'derived_from_versions' from derived
),

with_opportunity as (
    select
        opportunities.opportunity_key,
        unioned.source_system,
        unioned.opportunity_id,
        unioned.source_stage,
        unioned.stage_code,
        unioned.stage_group,
        unioned.stage_order,
        unioned.entered_at,
        unioned.changed_by,
        unioned.history_origin,
        case
            when opportunities.loaded_at > unioned.loaded_at then opportunities.loaded_at
            else unioned.loaded_at
        end as loaded_at
    from unioned
    inner join opportunities
        on opportunities.source_system = unioned.source_system
        and opportunities.opportunity_id = unioned.opportunity_id
),

sequenced as (
    select
        with_opportunity.*,
        lead(entered_at) over (
            partition by source_system, opportunity_id
            order by entered_at, stage_order, source_stage
        ) as left_at,
        row_number() over (
            partition by source_system, opportunity_id
            order by entered_at, stage_order, source_stage
        ) as stage_sequence,
        max(loaded_at) over (partition by source_system, opportunity_id) as opportunity_history_loaded_at
    from with_opportunity
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'source_system', "'|'", 'opportunity_id', "'|'",
            'source_stage', "'|'", dbt.cast('entered_at', dbt.type_string())
        ])) }} as stage_change_key,
        opportunity_key,
        source_system,
        opportunity_id,
        source_stage,
        stage_code,
        stage_group,
        stage_order,
        stage_sequence,
        entered_at,
        left_at,
        left_at is null as is_current_stage,
        {{ dbt.datediff('entered_at', 'left_at', 'second') }} / 3600.0 as hours_in_stage,
        changed_by,
        history_origin,
        opportunity_history_loaded_at as loaded_at
    from sequenced
)

select * from final

{#-
    Targets, explicit and derived, one row per period × scope × metric (KPI_DEFINITIONS
    "Targets and evaluation"), with the checks a manager needs before trusting them:

        target_source      explicit (the targets sheet), rollup (sum of given children),
                           seasonality (decomposed over months), rep_share (region split to reps)
        suggested_target   seasonality-based suggestion for month / quarter rows
        implied_growth     target / actual of the same period last year − 1
        is_unreasonable    implied_growth < var kpi_target_growth_floor (−20%) or
                           > var kpi_target_growth_ceiling (+50%); null without history
        is_children_mismatch        a family of this target's children, one of them given,
                                    misses its total by more than var kpi_target_mismatch_tolerance
        is_in_mismatched_family     this given target belongs to such a family
-#}
with

targets as (
    select * from {{ ref('int_targets__decomposed') }}
),

consistency as (
    select * from {{ ref('int_targets__consistency') }}
),

actuals as (
    select * from {{ ref('int_targets__actuals') }}
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
),

parent_checks as (
    select
        parent_grain,
        parent_start,
        parent_scope_type,
        parent_scope_id,
        metric,
        count(distinct case when is_checked then child_family end) as checked_families,
        max(case when is_mismatch then 1 else 0 end) = 1 as is_children_mismatch,
        max(case when is_checked then abs(children_deviation) end) as max_children_deviation
    from consistency
    group by 1, 2, 3, 4, 5
),

mismatched_families as (
    select distinct
        parent_grain, parent_start, parent_scope_type, parent_scope_id, metric, child_family
    from consistency
    where is_mismatch
),

mismatched_family_lists as (
    select
        parent_grain, parent_start, parent_scope_type, parent_scope_id, metric,
        {{ dbt.listagg('child_family', "', '", 'order by child_family') }} as mismatched_families
    from mismatched_families
    group by 1, 2, 3, 4, 5
),

child_checks as (
    select
        child_grain,
        child_start,
        child_scope_type,
        child_scope_id,
        metric,
        max(case when is_mismatch then 1 else 0 end) = 1 as is_in_mismatched_family
    from consistency
    where child_source in ('explicit', 'rollup')
    group by 1, 2, 3, 4, 5
),

final as (
    select
        targets.period_grain,
        targets.period_start,
        periods.period_end,
        targets.scope_type,
        targets.scope_id,
        coalesce(scopes.scope_name, targets.scope_name, targets.scope_id) as scope_name,
        targets.metric,
        cast(targets.target_value as decimal(38, 4)) as target_value,
        targets.target_source,
        targets.target_source = 'explicit' as is_explicit,
        cast(targets.suggested_target as decimal(38, 4)) as suggested_target,
        cast(actuals.actual_last_year as decimal(38, 4)) as actual_last_year,
        {{ kpi_ratio('targets.target_value', 'actuals.actual_last_year') }} - 1 as implied_growth,
        case
            when actuals.actual_last_year > 0
                then targets.target_value / actuals.actual_last_year - 1 < {{ kpi_param('target_growth_floor') }}
                    or targets.target_value / actuals.actual_last_year - 1 > {{ kpi_param('target_growth_ceiling') }}
        end as is_unreasonable,
        cast(coalesce(parent_checks.checked_families, 0) as {{ dbt.type_bigint() }}) as checked_child_families,
        coalesce(parent_checks.is_children_mismatch, false) as is_children_mismatch,
        parent_checks.max_children_deviation,
        mismatched_family_lists.mismatched_families,
        coalesce(child_checks.is_in_mismatched_family, false) as is_in_mismatched_family
    from targets
    left join periods
        on periods.period_grain = targets.period_grain
        and periods.period_start = targets.period_start
    left join scopes
        on scopes.period_grain = targets.period_grain
        and scopes.period_start = targets.period_start
        and scopes.scope_type = targets.scope_type
        and scopes.scope_id = targets.scope_id
    left join actuals
        on actuals.period_grain = targets.period_grain
        and actuals.period_start = targets.period_start
        and actuals.scope_type = targets.scope_type
        and actuals.scope_id = targets.scope_id
        and actuals.metric = targets.metric
    left join parent_checks
        on parent_checks.parent_grain = targets.period_grain
        and parent_checks.parent_start = targets.period_start
        and parent_checks.parent_scope_type = targets.scope_type
        and parent_checks.parent_scope_id = targets.scope_id
        and parent_checks.metric = targets.metric
    left join mismatched_family_lists
        on mismatched_family_lists.parent_grain = targets.period_grain
        and mismatched_family_lists.parent_start = targets.period_start
        and mismatched_family_lists.parent_scope_type = targets.scope_type
        and mismatched_family_lists.parent_scope_id = targets.scope_id
        and mismatched_family_lists.metric = targets.metric
    left join child_checks
        on child_checks.child_grain = targets.period_grain
        and child_checks.child_start = targets.period_start
        and child_checks.child_scope_type = targets.scope_type
        and child_checks.child_scope_id = targets.scope_id
        and child_checks.metric = targets.metric
)

select * from final

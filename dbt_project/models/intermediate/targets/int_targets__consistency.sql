{#-
    Do children add up to their parent? One row per parent target × child target, with the
    totals of the parent's family of children (KPI_DEFINITIONS "Targets": children given
    explicitly that do not sum to their parent within the tolerance are flagged):

        families   year → its quarters, quarter → its months (same scope and metric);
                   company → regions, region → teams, region → reps, team → reps (same period
                   and metric; membership from int_targets__scopes, active scopes only)
        checked    when the parent is given (explicit or roll-up) and at least one child is
        mismatch   |Σ children − parent| > var kpi_target_mismatch_tolerance (1%) × |parent|,
                   children without a given value counted at their derived value
-#}
with

targets as (
    select * from {{ ref('int_targets__decomposed') }}
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where is_active
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

quarters as (
    select distinct quarter_start, year_start from calendar
),

months as (
    select distinct month_start, quarter_start from calendar
),

time_edges as (
    select
        'quarter' as child_family,
        'year' as parent_grain, quarters.year_start as parent_start,
        'quarter' as child_grain, quarters.quarter_start as child_start,
        targets.scope_type as parent_scope_type, targets.scope_id as parent_scope_id,
        targets.scope_type as child_scope_type, targets.scope_id as child_scope_id,
        targets.metric
    from targets
    inner join quarters
        on quarters.year_start = targets.period_start
    where targets.period_grain = 'year'
    union all
    select
        'month',
        'quarter', months.quarter_start,
        'month', months.month_start,
        targets.scope_type, targets.scope_id,
        targets.scope_type, targets.scope_id,
        targets.metric
    from targets
    inner join months
        on months.quarter_start = targets.period_start
    where targets.period_grain = 'quarter'
),

scope_edges as (
    select
        children.scope_type as child_family,
        targets.period_grain as parent_grain, targets.period_start as parent_start,
        targets.period_grain as child_grain, targets.period_start as child_start,
        targets.scope_type as parent_scope_type, targets.scope_id as parent_scope_id,
        children.scope_type as child_scope_type, children.scope_id as child_scope_id,
        targets.metric
    from targets
    inner join scopes as children
        on children.period_grain = targets.period_grain
        and children.period_start = targets.period_start
        and (
            (targets.scope_type in ('company', 'region')
                and children.scope_type in ('region', 'team', 'rep')
                and children.parent_scope_type = targets.scope_type
                and children.parent_scope_id = targets.scope_id)
            or (targets.scope_type = 'team'
                and children.scope_type = 'rep'
                and children.team_id = targets.scope_id)
        )
),

edges as (
    select * from time_edges
    union all
    select * from scope_edges
),

edges_with_values as (
    select
        edges.*,
        parents.target_value as parent_target,
        parents.target_source as parent_source,
        children.target_value as child_target,
        children.target_source as child_source
    from edges
    inner join targets as parents
        on parents.period_grain = edges.parent_grain
        and parents.period_start = edges.parent_start
        and parents.scope_type = edges.parent_scope_type
        and parents.scope_id = edges.parent_scope_id
        and parents.metric = edges.metric
    inner join targets as children
        on children.period_grain = edges.child_grain
        and children.period_start = edges.child_start
        and children.scope_type = edges.child_scope_type
        and children.scope_id = edges.child_scope_id
        and children.metric = edges.metric
),

family_totals as (
    select
        edges_with_values.*,
        sum(child_target) over (
            partition by parent_grain, parent_start, parent_scope_type, parent_scope_id, metric, child_family
        ) as children_target_sum,
        sum(case when child_source in ('explicit', 'rollup') then 1 else 0 end) over (
            partition by parent_grain, parent_start, parent_scope_type, parent_scope_id, metric, child_family
        ) as given_children
    from edges_with_values
),

final as (
    select
        parent_grain,
        parent_start,
        parent_scope_type,
        parent_scope_id,
        metric,
        child_family,
        child_grain,
        child_start,
        child_scope_type,
        child_scope_id,
        parent_target,
        parent_source,
        child_target,
        child_source,
        children_target_sum,
        cast(given_children as integer) as given_children,
        parent_source in ('explicit', 'rollup') and given_children > 0 as is_checked,
        {{ kpi_ratio('children_target_sum - parent_target', 'parent_target') }} as children_deviation,
        parent_source in ('explicit', 'rollup')
            and given_children > 0
            and abs(children_target_sum - parent_target) > {{ kpi_param('target_mismatch_tolerance') }} * abs(parent_target)
            as is_mismatch
    from family_totals
)

select * from final

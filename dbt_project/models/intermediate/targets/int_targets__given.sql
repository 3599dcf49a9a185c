{#-
    Targets as given: the explicit rows of fct_targets (their value in CNY for money metrics),
    plus roll-ups — a quarter whose three months are all given, a year whose four quarters are
    all given (explicitly or rolled up) — for additive metrics (var kpi_additive_target_metrics).
    A roll-up never replaces an explicit row. Rows whose scope, period or metric did not resolve
    are left out (fct_targets' tests report them).
-#}
with

targets as (
    select * from {{ ref('fct_targets') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

month_parents as (
    select distinct month_start, quarter_start, year_start from calendar
),

quarter_parents as (
    select distinct quarter_start, year_start from calendar
),

explicit_targets as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        metric,
        cast(coalesce(target_value_cny, target_value) as decimal(38, 6)) as target_value,
        'explicit' as target_source
    from targets
    where scope_id is not null
        and period_start is not null
        and period_grain in ('month', 'quarter', 'year')
        and metric is not null
),

additive_months as (
    select explicit_targets.*, month_parents.quarter_start
    from explicit_targets
    inner join month_parents
        on explicit_targets.period_start = month_parents.month_start
    where explicit_targets.period_grain = 'month'
        and explicit_targets.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
),

quarter_rollups as (
    select
        'quarter' as period_grain,
        quarter_start as period_start,
        scope_type,
        scope_id,
        max(scope_name) as scope_name,
        metric,
        sum(target_value) as target_value,
        'rollup' as target_source
    from additive_months
    group by quarter_start, scope_type, scope_id, metric
    having count(*) = 3
),

quarters as (
    select * from explicit_targets where period_grain = 'quarter'
    union all
    select quarter_rollups.*
    from quarter_rollups
    left join explicit_targets
        on explicit_targets.period_grain = 'quarter'
        and explicit_targets.period_start = quarter_rollups.period_start
        and explicit_targets.scope_type = quarter_rollups.scope_type
        and explicit_targets.scope_id = quarter_rollups.scope_id
        and explicit_targets.metric = quarter_rollups.metric
    where explicit_targets.period_start is null
),

year_rollups as (
    select
        'year' as period_grain,
        quarter_parents.year_start as period_start,
        quarters.scope_type,
        quarters.scope_id,
        max(quarters.scope_name) as scope_name,
        quarters.metric,
        sum(quarters.target_value) as target_value,
        'rollup' as target_source
    from quarters
    inner join quarter_parents
        on quarters.period_start = quarter_parents.quarter_start
    where quarters.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
    group by quarter_parents.year_start, quarters.scope_type, quarters.scope_id, quarters.metric
    having count(*) = 4
),

new_year_rollups as (
    select year_rollups.*
    from year_rollups
    left join explicit_targets
        on explicit_targets.period_grain = 'year'
        and explicit_targets.period_start = year_rollups.period_start
        and explicit_targets.scope_type = year_rollups.scope_type
        and explicit_targets.scope_id = year_rollups.scope_id
        and explicit_targets.metric = year_rollups.metric
    where explicit_targets.period_start is null
),

final as (
    select * from explicit_targets where period_grain in ('month', 'year')
    union all
    select * from quarters
    union all
    select * from new_year_rollups
)

select * from final

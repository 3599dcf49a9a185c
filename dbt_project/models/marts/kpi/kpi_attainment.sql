{#-
    Actual against target, per period grain × period × scope × metric (KPI_DEFINITIONS
    "Targets and evaluation"), for every active scope — zero, not missing, when nothing happened
    in a period begun; null (not zero) in a period not begun, where nothing is known:

        actual             the period up to the as-of date (MTD / QTD / YTD for the current one);
                           null for a future period
        target             effective target (kpi_targets: explicit, else derived)
        gap                target − actual (positive means short); null without a target
        attainment         actual / target; null when the target is zero or missing
        run_rate_forecast  actual × days_in_period / days_elapsed; null before the period starts
        rank_in_peers      dense rank of attainment (best = 1) among scopes of the same level and
                           parent (reps within their region, teams within their region, regions,
                           product lines and channels within the company), only among rows
                           with an actual and a target; null otherwise

    Revenue by region / team / rep follows the owner rep's assignment valid on the order date.
-#}
with

actuals as (
    select * from {{ ref('int_targets__actuals') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
),

keyed as (
    select
        coalesce(actuals.period_grain, targets.period_grain) as period_grain,
        coalesce(actuals.period_start, targets.period_start) as period_start,
        coalesce(actuals.scope_type, targets.scope_type) as scope_type,
        coalesce(actuals.scope_id, targets.scope_id) as scope_id,
        coalesce(actuals.metric, targets.metric) as metric,
        targets.scope_name as target_scope_name,
        -- a target without facts: 0 sold; an actual row's null (nothing known) stays null
        case when actuals.metric is null then 0 else actuals.actual end as actual,
        actuals.actual_previous_period,
        actuals.actual_last_year,
        actuals.actual_last_year_to_date,
        targets.target_value as target,
        targets.target_source
    from actuals
    full outer join targets
        on targets.period_grain = actuals.period_grain
        and targets.period_start = actuals.period_start
        and targets.scope_type = actuals.scope_type
        and targets.scope_id = actuals.scope_id
        and targets.metric = actuals.metric
    where actuals.metric is not null
        or targets.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
),

known as (
    -- nothing is known of a period not begun: no actual, so no gap, attainment or rank
    select
        keyed.*,
        case when periods.to_date_label <> 'future' then keyed.actual end as known_actual
    from keyed
    inner join periods
        on periods.period_grain = keyed.period_grain
        and periods.period_start = keyed.period_start
),

evaluated as (
    select
        keyed.period_grain,
        keyed.period_start,
        periods.period_end,
        periods.as_of_date,
        periods.to_date_label,
        periods.days_in_period,
        periods.days_elapsed,
        keyed.scope_type,
        keyed.scope_id,
        coalesce(scopes.scope_name, keyed.target_scope_name, keyed.scope_id) as scope_name,
        scopes.parent_scope_type,
        scopes.parent_scope_id,
        keyed.metric,
        keyed.known_actual as actual,
        keyed.target,
        keyed.target_source,
        keyed.target - keyed.known_actual as gap,
        {{ kpi_ratio('keyed.known_actual', 'keyed.target') }} as attainment,
        {{ run_rate_forecast('keyed.known_actual', 'periods.days_in_period', 'periods.days_elapsed') }} as run_rate_forecast,
        keyed.actual_previous_period,
        keyed.actual_last_year,
        keyed.actual_last_year_to_date
    from known as keyed
    inner join periods
        on periods.period_grain = keyed.period_grain
        and periods.period_start = keyed.period_start
    left join scopes
        on scopes.period_grain = keyed.period_grain
        and scopes.period_start = keyed.period_start
        and scopes.scope_type = keyed.scope_type
        and scopes.scope_id = keyed.scope_id
),

ranked as (
    select
        evaluated.*,
        case
            when attainment is not null
                then dense_rank() over (
                    partition by period_grain, period_start, scope_type, coalesce(parent_scope_id, ''), metric,
                        case when attainment is null then 1 else 0 end
                    order by attainment desc
                )
        end as rank_in_peers
    from evaluated
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        as_of_date,
        to_date_label,
        cast(days_in_period as integer) as days_in_period,
        cast(days_elapsed as integer) as days_elapsed,
        scope_type,
        scope_id,
        scope_name,
        parent_scope_type,
        parent_scope_id,
        metric,
        cast(actual as decimal(38, 4)) as actual,
        cast(target as decimal(38, 4)) as target,
        target_source,
        cast(gap as decimal(38, 4)) as gap,
        cast(attainment as {{ kpi_type_ratio() }}) as attainment,
        cast(run_rate_forecast as decimal(38, 4)) as run_rate_forecast,
        {{ kpi_ratio('run_rate_forecast', 'target') }} as run_rate_attainment,
        cast(rank_in_peers as integer) as rank_in_peers,
        cast(actual_previous_period as decimal(38, 4)) as actual_previous_period,
        cast(actual_last_year as decimal(38, 4)) as actual_last_year,
        cast(actual_last_year_to_date as decimal(38, 4)) as actual_last_year_to_date,
        {{ kpi_ratio('actual', 'actual_last_year_to_date') }} - 1 as growth_vs_last_year_to_date
    from ranked
)

select * from final

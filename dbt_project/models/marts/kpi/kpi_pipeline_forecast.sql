{#-
    Revenue pipeline and forecast per period × scope (company, region, team, rep), beside the
    period's revenue actual and target (KPI_DEFINITIONS "Opportunities and funnel"):

        open_pipeline           Σ amount_cny of open opportunities expected to close in the period
        weighted_pipeline       Σ amount_cny × win probability of the same
        remaining_pipeline      open pipeline expected to close in the rest of the period (after
                                the as-of date), weighted_remaining_pipeline likewise
        remaining_target        target − actual to date
        pipeline_coverage       remaining_pipeline / remaining_target; null when the target is met
                                or missing, and for a complete period (no rest of the period)
    A period not begun has no actual (null): its remaining target is the whole target.
        pipeline_forecast       actual + weighted_remaining_pipeline
        seasonal_forecast       history-based: actual × (last year's whole period / last year up to
                                the same day), the seasonal run-rate; the linear run-rate
                                (actual × days / days elapsed) where last year has nothing to date

    Open opportunities are those open in the current export; an opportunity counts for the scope
    of its owner rep's assignment valid on its expected close date (fct_opportunities).
-#}
with

attainment as (
    select * from {{ ref('kpi_attainment') }}
    where metric = 'revenue'
        and scope_type in ('company', 'region', 'team', 'rep')
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
    where is_open
        and expected_close_date is not null
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
),

{%- set scope_columns = [('company', "'company'"), ('region', 'region_code'), ('team', 'team'), ('rep', 'rep_id')] %}

opportunities_by_scope as (
    {% for scope_type, scope_column in scope_columns %}
    select
        '{{ scope_type }}' as scope_type,
        {{ scope_column }} as scope_id,
        expected_close_date,
        amount_cny,
        weighted_amount_cny
    from opportunities
    where {{ scope_column }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

pipeline as (
    select
        periods.period_grain,
        periods.period_start,
        opportunities_by_scope.scope_type,
        opportunities_by_scope.scope_id,
        count(*) as open_opportunities,
        sum(opportunities_by_scope.amount_cny) as open_pipeline,
        sum(opportunities_by_scope.weighted_amount_cny) as weighted_pipeline,
        sum(case when opportunities_by_scope.expected_close_date > periods.as_of_date
            then opportunities_by_scope.amount_cny else 0 end) as remaining_pipeline,
        sum(case when opportunities_by_scope.expected_close_date > periods.as_of_date
            then opportunities_by_scope.weighted_amount_cny else 0 end) as weighted_remaining_pipeline
    from opportunities_by_scope
    inner join periods
        on opportunities_by_scope.expected_close_date between periods.period_start and periods.period_end
    group by 1, 2, 3, 4
),

combined as (
    select
        attainment.period_grain,
        attainment.period_start,
        attainment.period_end,
        attainment.as_of_date,
        attainment.to_date_label,
        attainment.scope_type,
        attainment.scope_id,
        attainment.scope_name,
        attainment.actual,
        attainment.target,
        attainment.run_rate_forecast,
        attainment.actual_last_year,
        attainment.actual_last_year_to_date,
        coalesce(pipeline.open_opportunities, 0) as open_opportunities,
        coalesce(pipeline.open_pipeline, 0) as open_pipeline,
        coalesce(pipeline.weighted_pipeline, 0) as weighted_pipeline,
        coalesce(pipeline.remaining_pipeline, 0) as remaining_pipeline,
        coalesce(pipeline.weighted_remaining_pipeline, 0) as weighted_remaining_pipeline,
        -- a period not begun has nothing sold to date: its whole target remains
        attainment.target - coalesce(attainment.actual, 0) as remaining_target
    from attainment
    left join pipeline
        on pipeline.period_grain = attainment.period_grain
        and pipeline.period_start = attainment.period_start
        and pipeline.scope_type = attainment.scope_type
        and pipeline.scope_id = attainment.scope_id
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        as_of_date,
        to_date_label,
        scope_type,
        scope_id,
        scope_name,
        cast(actual as decimal(38, 4)) as actual_revenue,
        cast(target as decimal(38, 4)) as revenue_target,
        cast(open_opportunities as {{ dbt.type_bigint() }}) as open_opportunities,
        cast(open_pipeline as decimal(38, 4)) as open_pipeline,
        cast(weighted_pipeline as decimal(38, 4)) as weighted_pipeline,
        cast(remaining_pipeline as decimal(38, 4)) as remaining_pipeline,
        cast(weighted_remaining_pipeline as decimal(38, 4)) as weighted_remaining_pipeline,
        cast(remaining_target as decimal(38, 4)) as remaining_target,
        case when remaining_target > 0 and to_date_label <> 'complete'
            then cast(remaining_pipeline as {{ kpi_type_ratio() }}) / remaining_target end as pipeline_coverage,
        cast(coalesce(actual, 0) + weighted_remaining_pipeline as decimal(38, 4)) as pipeline_forecast,
        cast(
            case
                when to_date_label = 'future' then null
                else {{ seasonal_forecast('actual', 'actual_last_year', 'actual_last_year_to_date', 'run_rate_forecast') }}
            end as decimal(38, 4)
        ) as seasonal_forecast,
        cast(run_rate_forecast as decimal(38, 4)) as run_rate_forecast,
        {{ kpi_ratio('coalesce(actual, 0) + weighted_remaining_pipeline', 'target') }} as pipeline_forecast_attainment
    from combined
)

select * from final

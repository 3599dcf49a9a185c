{#-
    Benchmarking (对标, KPI_DEFINITIONS "Benchmarking") per period × scope × KPI: the actual
    beside each reference, and actual / reference for each:

        target               kpi_targets (sales KPIs; other KPIs where the targets sheet gives
                             one) or seed kpi_service_quality_targets (service KPIs)
        last_year            the same period last year (for the current period of an additive
                             KPI: last year up to the as-of date's anniversary)
        internal_best        the best scope among the peers — same scope level and parent: the
                             best rep of the region, the best team / region of the company; the
                             lowest value where lower is better (sales_cycle_days)
        peer_median          the median over the same peers
        external_benchmark   the benchmark sheet's figure for the KPI, scope and period, else for
                             the year holding the period (rates only)
    KPIs: revenue, volume, orders, new_customers, collections (kpi_attainment); revenue_growth
    (year on year); win_rate, avg_deal_size, sales_cycle_days (opportunities closed in the
    period); csat, on_time_delivery_rate, feedback_resolution_rate (kpi_service_quality).
    Scopes: company, region, team, rep (team: sales KPIs only). Company has no peers.

    actual_vs_<reference> (reference_comparison): for a rate KPI (revenue_growth, win_rate,
    on_time_delivery_rate, feedback_resolution_rate) the difference actual − reference, in
    percentage points as a fraction (0.05 = 5 points); for any other KPI the ratio
    actual / reference. A ratio of two rates means nothing (−10 % against −5 % is "2.0").
    Every KPI shares the value columns, so they take the money type, decimal(38, 4) (rates to
    four decimals, 0.01 points); the comparisons are computed before that rounding.
    last_year is like for like (int_targets__periods, macro in_period_span 'last_year_to_date'):
    for the current period, the same number of days from the start of last year's period — for
    additive, opportunity and service KPIs alike (service: kpi_service_quality's …_last_year).
-#}
with

attainment as (
    select * from {{ ref('kpi_attainment') }}
    where scope_type in ('company', 'region', 'team', 'rep')
        and to_date_label <> 'future'
),

service_quality as (
    select * from {{ ref('kpi_service_quality') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
    where is_won or is_lost
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

service_targets as (
    select * from {{ ref('kpi_service_quality_targets') }}
),

benchmarks as (
    select * from {{ ref('fct_benchmarks') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
        and to_date_label <> 'future'
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type in ('company', 'region', 'team', 'rep')
        and is_active
),

additive_kpis as (
    select
        period_grain, period_start, scope_type, scope_id, metric as kpi,
        cast(actual as {{ kpi_type_ratio() }}) as actual,
        cast(target as {{ kpi_type_ratio() }}) as target,
        cast(actual_last_year_to_date as {{ kpi_type_ratio() }}) as last_year,
        true as is_additive
    from attainment
    union all
    select
        attainment.period_grain, attainment.period_start, attainment.scope_type, attainment.scope_id, 'revenue_growth',
        attainment.growth_vs_last_year_to_date,
        cast(null as {{ kpi_type_ratio() }}),
        last_year.growth_vs_last_year_to_date,
        false
    from attainment
    left join attainment as last_year
        on last_year.period_grain = attainment.period_grain
        and last_year.period_start = cast({{ dbt.dateadd('year', -1, 'attainment.period_start') }} as date)
        and last_year.scope_type = attainment.scope_type
        and last_year.scope_id = attainment.scope_id
        and last_year.metric = attainment.metric
    where attainment.metric = 'revenue'
),

{%- set rate_kpis = ['revenue_growth', 'win_rate', 'on_time_delivery_rate', 'feedback_resolution_rate'] %}
{%- set scope_columns = [('company', "'company'"), ('region', 'region_code'), ('team', 'team'), ('rep', 'rep_id')] %}

closed_by_scope as (
    {% for scope_type, scope_column in scope_columns %}
    select
        periods.period_grain, periods.period_start, '{{ scope_type }}' as scope_type, {{ scope_column }} as scope_id,
        {%- for span in ['period', 'last_year_to_date'] %}
        sum(case when {{ in_period_span('opportunities.closed_date', span) }} and opportunities.is_won then 1 else 0 end)
            as won_{{ span }},
        sum(case when {{ in_period_span('opportunities.closed_date', span) }} then 1 else 0 end) as closed_{{ span }},
        avg(case when {{ in_period_span('opportunities.closed_date', span) }} and opportunities.is_won
            then opportunities.amount_cny end) as avg_deal_size_{{ span }},
        avg(case when {{ in_period_span('opportunities.closed_date', span) }} and opportunities.is_won
            then opportunities.sales_cycle_days end) as sales_cycle_days_{{ span }},
        {%- endfor %}
        max(case when periods.has_last_year then 1 else 0 end) = 1 as has_last_year
    from opportunities
    inner join periods
        on {{ in_period_reach('opportunities.closed_date') }}
    where {{ scope_column }} is not null
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

closed_in_period as (
    select * from closed_by_scope
    where closed_period > 0
),

opportunity_kpis as (
    select period_grain, period_start, scope_type, scope_id, 'win_rate' as kpi,
        {{ kpi_ratio('won_period', 'closed_period') }} as actual,
        case when has_last_year then {{ kpi_ratio('won_last_year_to_date', 'closed_last_year_to_date') }} end as last_year
    from closed_in_period
    union all
    select period_grain, period_start, scope_type, scope_id, 'avg_deal_size',
        cast(avg_deal_size_period as {{ kpi_type_ratio() }}),
        case when has_last_year then cast(avg_deal_size_last_year_to_date as {{ kpi_type_ratio() }}) end
    from closed_in_period
    union all
    select period_grain, period_start, scope_type, scope_id, 'sales_cycle_days',
        cast(sales_cycle_days_period as {{ kpi_type_ratio() }}),
        case when has_last_year then cast(sales_cycle_days_last_year_to_date as {{ kpi_type_ratio() }}) end
    from closed_in_period
),

service_kpis as (
    select period_grain, period_start, scope_type, scope_id, 'csat' as kpi, csat as actual,
        csat_last_year as last_year
    from service_quality
    union all
    select period_grain, period_start, scope_type, scope_id, 'on_time_delivery_rate', on_time_delivery_rate,
        on_time_delivery_rate_last_year
    from service_quality
    union all
    select period_grain, period_start, scope_type, scope_id, 'feedback_resolution_rate', feedback_resolution_rate,
        feedback_resolution_rate_last_year
    from service_quality
),

ratio_kpis as (
    select period_grain, period_start, scope_type, scope_id, kpi, actual, last_year from opportunity_kpis
    union all
    select period_grain, period_start, scope_type, scope_id, kpi, actual, last_year from service_kpis
),

ratio_kpis_with_references as (
    select
        ratio_kpis.period_grain,
        ratio_kpis.period_start,
        ratio_kpis.scope_type,
        ratio_kpis.scope_id,
        ratio_kpis.kpi,
        ratio_kpis.actual,
        coalesce(
            cast(targets.target_value as {{ kpi_type_ratio() }}),
            cast(service_targets.target_value as {{ kpi_type_ratio() }})
        ) as target,
        ratio_kpis.last_year,
        false as is_additive
    from ratio_kpis
    left join targets
        on targets.period_grain = ratio_kpis.period_grain
        and targets.period_start = ratio_kpis.period_start
        and targets.scope_type = ratio_kpis.scope_type
        and targets.scope_id = ratio_kpis.scope_id
        and targets.metric = case ratio_kpis.kpi when 'csat' then 'satisfaction' when 'avg_deal_size' then 'deal_size' else ratio_kpis.kpi end
    left join service_targets
        on service_targets.metric = ratio_kpis.kpi
),

kpi_values as (
    select * from additive_kpis
    union all
    select * from ratio_kpis_with_references
),

scoped as (
    select
        kpi_values.*,
        scopes.scope_name,
        scopes.parent_scope_type,
        scopes.parent_scope_id,
        kpi_values.kpi <> 'sales_cycle_days' as higher_is_better,
        kpi_values.kpi in {{ kpi_sql_list(rate_kpis) }} as is_rate
    from kpi_values
    inner join scopes
        on scopes.period_grain = kpi_values.period_grain
        and scopes.period_start = kpi_values.period_start
        and scopes.scope_type = kpi_values.scope_type
        and scopes.scope_id = kpi_values.scope_id
),

peer_references as (
    select
        period_grain,
        period_start,
        scope_type,
        parent_scope_id,
        kpi,
        case when max(case when higher_is_better then 1 else 0 end) = 1 then max(actual) else min(actual) end
            as internal_best,
        percentile_cont(0.5) within group (order by actual) as peer_median,
        count(actual) as peers
    from scoped
    where parent_scope_id is not null
    group by 1, 2, 3, 4, 5
),

best_peers as (
    select
        scoped.period_grain,
        scoped.period_start,
        scoped.scope_type,
        scoped.parent_scope_id,
        scoped.kpi,
        min(scoped.scope_name) as internal_best_scope_name
    from scoped
    inner join peer_references
        on peer_references.period_grain = scoped.period_grain
        and peer_references.period_start = scoped.period_start
        and peer_references.scope_type = scoped.scope_type
        and peer_references.parent_scope_id = scoped.parent_scope_id
        and peer_references.kpi = scoped.kpi
        and peer_references.internal_best = scoped.actual
    group by 1, 2, 3, 4, 5
),

external_benchmarks as (
    select
        -- the sheet's metric codes (target_vocabulary) → this mart's KPI codes
        case coalesce(benchmarks.metric, benchmarks.source_kpi)
            when 'satisfaction' then 'csat'
            when 'deal_size' then 'avg_deal_size'
            else coalesce(benchmarks.metric, benchmarks.source_kpi)
        end as kpi,
        benchmarks.period_grain,
        benchmarks.period_start,
        benchmarks.scope_type,
        benchmarks.scope_id,
        max(benchmarks.benchmark_value) as benchmark_value,
        max(benchmarks.benchmark_source) as benchmark_source
    from benchmarks
    where benchmarks.scope_id is not null
    group by 1, 2, 3, 4, 5
),

with_references as (
    select
        scoped.*,
        peer_references.internal_best,
        best_peers.internal_best_scope_name,
        peer_references.peer_median,
        peer_references.peers,
        coalesce(same_period.benchmark_value, enclosing_year.benchmark_value) as external_benchmark,
        coalesce(same_period.benchmark_source, enclosing_year.benchmark_source) as external_benchmark_source
    from scoped
    left join peer_references
        on peer_references.period_grain = scoped.period_grain
        and peer_references.period_start = scoped.period_start
        and peer_references.scope_type = scoped.scope_type
        and peer_references.parent_scope_id = scoped.parent_scope_id
        and peer_references.kpi = scoped.kpi
    left join best_peers
        on best_peers.period_grain = scoped.period_grain
        and best_peers.period_start = scoped.period_start
        and best_peers.scope_type = scoped.scope_type
        and best_peers.parent_scope_id = scoped.parent_scope_id
        and best_peers.kpi = scoped.kpi
    left join external_benchmarks as same_period
        on same_period.kpi = scoped.kpi
        and same_period.period_grain = scoped.period_grain
        and same_period.period_start = scoped.period_start
        and same_period.scope_type = scoped.scope_type
        and same_period.scope_id = scoped.scope_id
    left join external_benchmarks as enclosing_year
        on not scoped.is_additive
        and enclosing_year.kpi = scoped.kpi
        and enclosing_year.period_grain = 'year'
        and enclosing_year.period_start = cast({{ dbt.date_trunc('year', 'scoped.period_start') }} as date)
        and enclosing_year.scope_type = scoped.scope_type
        and enclosing_year.scope_id = scoped.scope_id
),

final as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        parent_scope_type,
        parent_scope_id,
        kpi,
        higher_is_better,
        case when is_rate then 'difference' else 'ratio' end as reference_comparison,
        cast(actual as decimal(38, 4)) as actual,
        cast(target as decimal(38, 4)) as target,
        {{ kpi_compare('actual', 'target', 'is_rate') }} as actual_vs_target,
        cast(last_year as decimal(38, 4)) as last_year,
        {{ kpi_compare('actual', 'last_year', 'is_rate') }} as actual_vs_last_year,
        cast(internal_best as decimal(38, 4)) as internal_best,
        internal_best_scope_name,
        {{ kpi_compare('actual', 'internal_best', 'is_rate') }} as actual_vs_internal_best,
        cast(peer_median as decimal(38, 4)) as peer_median,
        cast(peers as {{ dbt.type_bigint() }}) as peers,
        {{ kpi_compare('actual', 'peer_median', 'is_rate') }} as actual_vs_peer_median,
        cast(external_benchmark as decimal(38, 4)) as external_benchmark,
        external_benchmark_source,
        {{ kpi_compare('actual', 'external_benchmark', 'is_rate') }} as actual_vs_external_benchmark
    from with_references
)

select * from final

{#-
    Every effective target, period × scope × metric: the given ones (explicit, roll-up) and the
    ones derived from them for additive metrics, explicit winning over derived:

    1. seasonality — a given year target of a scope is spread over its quarters and months, a
       given quarter over its months, by int_targets__seasonality; a month takes its nearest
       given ancestor (its quarter before its year):
           quarter = year × Σ weight_in_year of its months
           month   = year × weight_in_year,  or  quarter × weight_in_quarter
    2. rep_share — a region target (given or from step 1) is split over the region's reps by
       int_targets__rep_shares, where the rep has no target of that period from steps 0–1:
           rep = region × rep_share

    suggested_target is the seasonality-based suggestion for every month and quarter row of a
    scope with a given year target (or, for months, a given quarter): what step 1 would set,
    shown beside explicit values so a manager sees where a plan departs from the seasons.
-#}
with

given as (
    select * from {{ ref('int_targets__given') }}
),

seasonality as (
    select * from {{ ref('int_targets__seasonality') }}
),

rep_shares as (
    select * from {{ ref('int_targets__rep_shares') }}
),

given_years as (
    select * from given
    where period_grain = 'year'
        and metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
),

given_quarters as (
    select * from given
    where period_grain = 'quarter'
        and metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
),

quarters_from_years as (
    select
        'quarter' as period_grain,
        seasonality.quarter_start as period_start,
        given_years.scope_type,
        given_years.scope_id,
        given_years.scope_name,
        given_years.metric,
        given_years.target_value * sum(seasonality.weight_in_year) as target_value
    from given_years
    inner join seasonality
        on seasonality.scope_type = given_years.scope_type
        and seasonality.scope_id = given_years.scope_id
        and seasonality.year_start = given_years.period_start
    group by 1, 2, 3, 4, 5, 6, given_years.target_value
),

months_from_years as (
    select
        'month' as period_grain,
        seasonality.month_start as period_start,
        given_years.scope_type,
        given_years.scope_id,
        given_years.scope_name,
        given_years.metric,
        given_years.target_value * seasonality.weight_in_year as target_value
    from given_years
    inner join seasonality
        on seasonality.scope_type = given_years.scope_type
        and seasonality.scope_id = given_years.scope_id
        and seasonality.year_start = given_years.period_start
),

months_from_quarters as (
    select
        'month' as period_grain,
        seasonality.month_start as period_start,
        given_quarters.scope_type,
        given_quarters.scope_id,
        given_quarters.scope_name,
        given_quarters.metric,
        given_quarters.target_value * seasonality.weight_in_quarter as target_value
    from given_quarters
    inner join seasonality
        on seasonality.scope_type = given_quarters.scope_type
        and seasonality.scope_id = given_quarters.scope_id
        and seasonality.quarter_start = given_quarters.period_start
),

seasonal_candidates as (
    select *, 'seasonality' as target_source, 1 as derivation_rank from months_from_quarters
    union all
    select *, 'seasonality', 2 from months_from_years
    union all
    select *, 'seasonality', 2 from quarters_from_years
),

ranked_seasonal_candidates as (
    select
        seasonal_candidates.*,
        row_number() over (
            partition by period_grain, period_start, scope_type, scope_id, metric
            order by derivation_rank
        ) as candidate_rank
    from seasonal_candidates
),

seasonal_derived as (
    select ranked_seasonal_candidates.*
    from ranked_seasonal_candidates
    left join given
        on given.period_grain = ranked_seasonal_candidates.period_grain
        and given.period_start = ranked_seasonal_candidates.period_start
        and given.scope_type = ranked_seasonal_candidates.scope_type
        and given.scope_id = ranked_seasonal_candidates.scope_id
        and given.metric = ranked_seasonal_candidates.metric
    where given.period_start is null
        and ranked_seasonal_candidates.candidate_rank = 1
),

through_seasonality as (
    select period_grain, period_start, scope_type, scope_id, scope_name, metric, target_value, target_source
    from given
    union all
    select period_grain, period_start, scope_type, scope_id, scope_name, metric, target_value, target_source
    from seasonal_derived
),

reps_from_regions as (
    select
        regional.period_grain,
        regional.period_start,
        'rep' as scope_type,
        rep_shares.rep_id as scope_id,
        cast(null as {{ dbt.type_string() }}) as scope_name,
        regional.metric,
        regional.target_value * rep_shares.rep_share as target_value,
        'rep_share' as target_source
    from through_seasonality as regional
    inner join rep_shares
        on rep_shares.period_grain = regional.period_grain
        and rep_shares.period_start = regional.period_start
        and rep_shares.region_code = regional.scope_id
    left join through_seasonality as own
        on own.period_grain = regional.period_grain
        and own.period_start = regional.period_start
        and own.scope_type = 'rep'
        and own.scope_id = rep_shares.rep_id
        and own.metric = regional.metric
    where regional.scope_type = 'region'
        and regional.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
        and own.period_start is null
),

effective as (
    select * from through_seasonality
    union all
    select * from reps_from_regions
),

suggestions as (
    select period_grain, period_start, scope_type, scope_id, metric, target_value as suggested_target
    from months_from_years
    union all
    select quarters_from_years.period_grain, quarters_from_years.period_start, quarters_from_years.scope_type,
        quarters_from_years.scope_id, quarters_from_years.metric, quarters_from_years.target_value
    from quarters_from_years
    union all
    select months_from_quarters.period_grain, months_from_quarters.period_start, months_from_quarters.scope_type,
        months_from_quarters.scope_id, months_from_quarters.metric, months_from_quarters.target_value
    from months_from_quarters
    left join months_from_years
        on months_from_years.period_start = months_from_quarters.period_start
        and months_from_years.scope_type = months_from_quarters.scope_type
        and months_from_years.scope_id = months_from_quarters.scope_id
        and months_from_years.metric = months_from_quarters.metric
    where months_from_years.period_start is null
),

final as (
    select
        effective.period_grain,
        effective.period_start,
        effective.scope_type,
        effective.scope_id,
        effective.scope_name,
        effective.metric,
        cast(effective.target_value as decimal(38, 6)) as target_value,
        effective.target_source,
        cast(suggestions.suggested_target as decimal(38, 6)) as suggested_target
    from effective
    left join suggestions
        on suggestions.period_grain = effective.period_grain
        and suggestions.period_start = effective.period_start
        and suggestions.scope_type = effective.scope_type
        and suggestions.scope_id = effective.scope_id
        and suggestions.metric = effective.metric
)

select * from final

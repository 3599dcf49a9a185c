{#-
    Every effective target, period × scope × metric: the given ones (explicit, roll-up) and the
    ones derived from them for additive metrics, explicit winning over derived. Derived targets are
    decomposed once, to the finest grain, and every coarser derived grain is the sum of its
    months, so children always add up to a derived parent (KPI_DEFINITIONS "Targets"):

    1. seasonality — a given year target of a scope is spread over its months, a given quarter
       over its months, by int_targets__seasonality; a month takes its nearest given ancestor (its
       quarter before its year):
           month   = year × weight_in_year,  or  quarter × weight_in_quarter
           quarter = Σ its months (when not given)
    2. rep_share — a region's month target (given or from step 1) is split over the reps assigned
       to the region in the month by int_targets__rep_shares (revenue per active day, pro-rated by
       the working days active); reps with a given target of the month keep it and the others
       share what is left of the region's:
           rep month = (region month − Σ given rep months) × rep_share / Σ shares of the others
           (a rep in two regions: the sum of both parts)
           rep quarter, rep year = Σ the rep's months (when not given)

    Count metrics (var kpi_count_target_metrics: orders, new customers, calls, visits) are whole
    numbers: each split is rounded by largest remainder within its parent, so the parts keep the
    parent's total.

    suggested_target is the seasonality-based suggestion for every month and quarter row of a
    scope with a given year target (or, for months, a given quarter): what step 1 would set,
    shown beside explicit values so a manager sees where a plan departs from the seasons.
-#}
{%- set additive = kpi_sql_list(kpi_param('additive_target_metrics')) %}
{%- set counts = kpi_sql_list(kpi_param('count_target_metrics')) %}
with

given as (
    select * from {{ ref('int_targets__given') }}
),

seasonality as (
    select * from {{ ref('int_targets__seasonality') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

rep_shares as (
    select * from {{ ref('int_targets__rep_shares') }}
),

given_years as (
    select * from given
    where period_grain = 'year'
        and metric in {{ additive }}
),

given_quarters as (
    select * from given
    where period_grain = 'quarter'
        and metric in {{ additive }}
),

month_parents as (
    select distinct month_start, quarter_start, year_start from calendar
),

months_from_years_unrounded as (
    select
        seasonality.month_start as period_start,
        given_years.scope_type,
        given_years.scope_id,
        given_years.scope_name,
        given_years.metric,
        given_years.period_start as parent_start,
        given_years.target_value * seasonality.weight_in_year as target_value
    from given_years
    inner join seasonality
        on seasonality.scope_type = given_years.scope_type
        and seasonality.scope_id = given_years.scope_id
        and seasonality.year_start = given_years.period_start
),

months_from_quarters_unrounded as (
    select
        seasonality.month_start as period_start,
        given_quarters.scope_type,
        given_quarters.scope_id,
        given_quarters.scope_name,
        given_quarters.metric,
        given_quarters.period_start as parent_start,
        given_quarters.target_value * seasonality.weight_in_quarter as target_value
    from given_quarters
    inner join seasonality
        on seasonality.scope_type = given_quarters.scope_type
        and seasonality.scope_id = given_quarters.scope_id
        and seasonality.quarter_start = given_quarters.period_start
),

{%- for source in ['months_from_years', 'months_from_quarters'] %}

{{ source }} as (
    select
        'month' as period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        metric,
        case when metric in {{ counts }}
            then {{ largest_remainder('target_value', 'scope_type, scope_id, metric, parent_start', 'period_start') }}
            else target_value
        end as target_value
    from {{ source }}_unrounded
),
{%- endfor %}

month_candidates as (
    select *, 1 as derivation_rank from months_from_quarters
    union all
    select *, 2 from months_from_years
),

ranked_month_candidates as (
    select
        month_candidates.*,
        row_number() over (
            partition by period_start, scope_type, scope_id, metric
            order by derivation_rank
        ) as candidate_rank
    from month_candidates
),

seasonal_months as (
    select
        ranked_month_candidates.period_grain,
        ranked_month_candidates.period_start,
        ranked_month_candidates.scope_type,
        ranked_month_candidates.scope_id,
        ranked_month_candidates.scope_name,
        ranked_month_candidates.metric,
        ranked_month_candidates.target_value,
        'seasonality' as target_source
    from ranked_month_candidates
    left join given
        on given.period_grain = 'month'
        and given.period_start = ranked_month_candidates.period_start
        and given.scope_type = ranked_month_candidates.scope_type
        and given.scope_id = ranked_month_candidates.scope_id
        and given.metric = ranked_month_candidates.metric
    where given.period_start is null
        and ranked_month_candidates.candidate_rank = 1
),

scope_months as (
    select period_grain, period_start, scope_type, scope_id, scope_name, metric, target_value, target_source
    from given
    where period_grain = 'month'
    union all
    select * from seasonal_months
),

seasonal_quarters as (
    select
        'quarter' as period_grain,
        month_parents.quarter_start as period_start,
        scope_months.scope_type,
        scope_months.scope_id,
        max(scope_months.scope_name) as scope_name,
        scope_months.metric,
        sum(scope_months.target_value) as target_value,
        'seasonality' as target_source
    from scope_months
    inner join month_parents
        on month_parents.month_start = scope_months.period_start
    where scope_months.metric in {{ additive }}
    group by 2, 3, 4, 6
    having sum(case when scope_months.target_source = 'seasonality' then 1 else 0 end) > 0
),

through_seasonality as (
    select period_grain, period_start, scope_type, scope_id, scope_name, metric, target_value, target_source
    from given
    union all
    select * from seasonal_months
    union all
    select seasonal_quarters.*
    from seasonal_quarters
    left join given
        on given.period_grain = 'quarter'
        and given.period_start = seasonal_quarters.period_start
        and given.scope_type = seasonal_quarters.scope_type
        and given.scope_id = seasonal_quarters.scope_id
        and given.metric = seasonal_quarters.metric
    where given.period_start is null
),

region_month_members as (
    select
        regional.period_start,
        regional.scope_id as region_code,
        rep_shares.rep_id,
        regional.metric,
        regional.target_value as region_target,
        rep_shares.rep_share,
        own.target_value as own_target
    from through_seasonality as regional
    inner join rep_shares
        on rep_shares.period_start = regional.period_start
        and rep_shares.region_code = regional.scope_id
    left join given as own
        on own.period_grain = 'month'
        and own.period_start = regional.period_start
        and own.scope_type = 'rep'
        and own.scope_id = rep_shares.rep_id
        and own.metric = regional.metric
    where regional.period_grain = 'month'
        and regional.scope_type = 'region'
        and regional.metric in {{ additive }}
),

region_month_remainders as (
    select
        region_month_members.*,
        coalesce(sum(own_target) over (partition by period_start, region_code, metric), 0) as given_to_reps,
        sum(case when own_target is null then rep_share end)
            over (partition by period_start, region_code, metric) as share_without_given
    from region_month_members
),

rep_month_parts_unrounded as (
    select
        period_start,
        region_code,
        rep_id,
        metric,
        case when region_target > given_to_reps
            then (region_target - given_to_reps) * rep_share / share_without_given
            else 0
        end as target_value
    from region_month_remainders
    where own_target is null
        and share_without_given > 0
),

rep_month_parts as (
    select
        period_start,
        rep_id,
        metric,
        case when metric in {{ counts }}
            then {{ largest_remainder('target_value', 'period_start, region_code, metric', 'rep_id') }}
            else target_value
        end as target_value
    from rep_month_parts_unrounded
),

rep_months as (
    select
        'month' as period_grain,
        period_start,
        'rep' as scope_type,
        rep_id as scope_id,
        cast(null as {{ dbt.type_string() }}) as scope_name,
        metric,
        sum(target_value) as target_value,
        'rep_share' as target_source
    from rep_month_parts
    group by period_start, rep_id, metric
),

all_rep_months as (
    select period_start, scope_id, metric, target_value, 0 as is_derived
    from given
    where period_grain = 'month' and scope_type = 'rep' and metric in {{ additive }}
    union all
    select period_start, scope_id, metric, target_value, 1 from rep_months
),

rep_coarser as (
    {%- for grain, parent_column in [('quarter', 'quarter_start'), ('year', 'year_start')] %}
    select
        '{{ grain }}' as period_grain,
        month_parents.{{ parent_column }} as period_start,
        'rep' as scope_type,
        all_rep_months.scope_id,
        cast(null as {{ dbt.type_string() }}) as scope_name,
        all_rep_months.metric,
        sum(all_rep_months.target_value) as target_value,
        'rep_share' as target_source
    from all_rep_months
    inner join month_parents
        on month_parents.month_start = all_rep_months.period_start
    group by 2, 4, 6
    having sum(all_rep_months.is_derived) > 0
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rep_derived as (
    select * from rep_months
    union all
    select rep_coarser.*
    from rep_coarser
    left join given
        on given.period_grain = rep_coarser.period_grain
        and given.period_start = rep_coarser.period_start
        and given.scope_type = 'rep'
        and given.scope_id = rep_coarser.scope_id
        and given.metric = rep_coarser.metric
    where given.period_start is null
),

effective as (
    select * from through_seasonality
    union all
    select * from rep_derived
),

quarters_from_years as (
    select
        'quarter' as period_grain,
        month_parents.quarter_start as period_start,
        months_from_years.scope_type,
        months_from_years.scope_id,
        months_from_years.metric,
        sum(months_from_years.target_value) as target_value
    from months_from_years
    inner join month_parents
        on month_parents.month_start = months_from_years.period_start
    group by 2, 3, 4, 5
),

suggestions as (
    select period_grain, period_start, scope_type, scope_id, metric, target_value as suggested_target
    from months_from_years
    union all
    select * from quarters_from_years
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

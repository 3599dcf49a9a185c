{#-
    One row per rep × month and quarter up to the as-of date (KPI_DEFINITIONS; current periods
    to date) in which the rep worked (int_targets__rep_days: a roster assignment on a day up to
    the as-of date), zeros when nothing happened; no row once a rep has left (facts that still
    name them count for the region and team they were attributed to).

        revenue, orders, new_customers, revenue_target, attainment   from kpi_attainment
        win_rate          won / (won + lost) of the rep's opportunities closed in the period
        avg_deal_size     mean amount_cny of won opportunities closed in the period
        sales_cycle_days  mean days created → closed of those won opportunities
        calls_per_day     calls / working days the rep worked in the period up to the as-of
                          date (Mon–Fri less holidays, plus make-up working days; from the
                          start or to the leave date); null without such a day
        visits            visits in the period
        follow_up_coverage  share of the rep's active customers (a non-cancelled order of the
                          rep in the period) with a follow-up activity of the rep in the period
                          (customers are real customers: customer_master_key)
        csat              mean survey score (0–100) of the rep's surveys in the period
        rank_in_region    dense rank of revenue attainment among the reps of the same region
        commission        revenue × rate of the seed commission_tiers tier the attainment
                          reached (below 80% → 0, 80–100% → 3%, above 100% → 5%); null
                          without a revenue target
    Ratios are null (not zero) when their denominator is zero.
-#}
with

attainment as (
    select * from {{ ref('kpi_attainment') }}
    where scope_type = 'rep'
        and period_grain in ('month', 'quarter')
        and to_date_label <> 'future'
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type = 'rep'
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where period_grain in ('month', 'quarter')
        and is_reporting_period
),

rep_days as (
    select * from {{ ref('int_targets__rep_days') }}
    where is_elapsed
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

activities as (
    select * from {{ ref('fct_activities') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

surveys as (
    select * from {{ ref('fct_satisfaction_surveys') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

commission_tiers as (
    select * from {{ ref('commission_tiers') }}
),

rep_metrics as (
    select
        attainment.period_grain,
        attainment.period_start,
        attainment.scope_id as rep_id,
        coalesce(max(case when attainment.metric = 'revenue' then attainment.actual end), 0) as revenue,
        max(case when attainment.metric = 'revenue' then attainment.target end) as revenue_target,
        max(case when attainment.metric = 'revenue' then attainment.attainment end) as attainment,
        max(case when attainment.metric = 'revenue' then attainment.rank_in_peers end) as rank_in_region,
        coalesce(max(case when attainment.metric = 'volume' then attainment.actual end), 0) as volume,
        coalesce(max(case when attainment.metric = 'orders' then attainment.actual end), 0) as orders,
        max(case when attainment.metric = 'new_customers' then attainment.actual end) as new_customers
    from attainment
    group by 1, 2, 3
),

closed_opportunities as (
    select
        periods.period_grain,
        periods.period_start,
        opportunities.rep_id,
        sum(case when opportunities.is_won then 1 else 0 end) as won_opportunities,
        sum(case when opportunities.is_lost then 1 else 0 end) as lost_opportunities,
        avg(case when opportunities.is_won then opportunities.amount_cny end) as avg_deal_size,
        avg(case when opportunities.is_won then opportunities.sales_cycle_days end) as sales_cycle_days
    from opportunities
    inner join periods
        on {{ in_period_span('opportunities.closed_date', 'period') }}
    where opportunities.is_won or opportunities.is_lost
    group by 1, 2, 3
),

activity_counts as (
    select
        periods.period_grain,
        periods.period_start,
        activities.rep_id,
        sum(case when activities.activity_type_code = 'call' then 1 else 0 end) as calls,
        sum(case when activities.activity_type_code = 'visit' then 1 else 0 end) as visits,
        count(*) as activities
    from activities
    inner join periods
        on {{ in_period_span('activities.activity_date', 'period') }}
    group by 1, 2, 3
),

active_customers as (
    select distinct
        periods.period_grain,
        periods.period_start,
        order_lines.rep_id,
        order_lines.customer_master_key
    from order_lines
    inner join periods
        on {{ in_period_span('order_lines.order_date', 'period') }}
    where not order_lines.is_cancelled
),

followed_up_customers as (
    select distinct
        periods.period_grain,
        periods.period_start,
        activities.rep_id,
        activities.customer_master_key
    from activities
    inner join periods
        on {{ in_period_span('activities.activity_date', 'period') }}
    where activities.customer_master_key is not null
),

follow_up_coverage as (
    select
        active_customers.period_grain,
        active_customers.period_start,
        active_customers.rep_id,
        count(*) as active_customers,
        count(followed_up_customers.customer_master_key) as followed_up_customers
    from active_customers
    left join followed_up_customers
        on followed_up_customers.period_grain = active_customers.period_grain
        and followed_up_customers.period_start = active_customers.period_start
        and followed_up_customers.rep_id = active_customers.rep_id
        and followed_up_customers.customer_master_key = active_customers.customer_master_key
    group by 1, 2, 3
),

survey_scores as (
    select
        periods.period_grain,
        periods.period_start,
        surveys.rep_id,
        avg(surveys.score) as csat,
        count(*) as surveys
    from surveys
    inner join periods
        on {{ in_period_span('surveys.survey_date', 'period') }}
    group by 1, 2, 3
),

rep_periods as (
    -- a rep appears for the periods they worked in, up to the as-of date: a rep who left stops
    -- (facts still naming them count for the region and team of attribution_joins)
    {%- for grain, period_column in [('month', 'month_start'), ('quarter', 'quarter_start')] %}
    select
        '{{ grain }}' as period_grain,
        {{ period_column }} as period_start,
        rep_id,
        sum(case when is_working_day then 1 else 0 end) as working_days_worked
    from rep_days
    group by 2, 3
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

combined as (
    select
        rep_periods.*,
        coalesce(scopes.scope_name, rep_periods.rep_id) as rep_name,
        scopes.parent_scope_id as region_code,
        coalesce(rep_metrics.revenue, 0) as revenue,
        rep_metrics.revenue_target,
        rep_metrics.attainment,
        rep_metrics.rank_in_region,
        coalesce(rep_metrics.volume, 0) as volume,
        coalesce(rep_metrics.orders, 0) as orders,
        rep_metrics.new_customers,
        scopes.team_id as team_name,
        regions.region_name,
        coalesce(closed_opportunities.won_opportunities, 0) as won_opportunities,
        coalesce(closed_opportunities.lost_opportunities, 0) as lost_opportunities,
        closed_opportunities.avg_deal_size,
        closed_opportunities.sales_cycle_days,
        coalesce(activity_counts.calls, 0) as calls,
        coalesce(activity_counts.visits, 0) as visits,
        coalesce(follow_up_coverage.active_customers, 0) as active_customers,
        coalesce(follow_up_coverage.followed_up_customers, 0) as followed_up_customers,
        survey_scores.csat,
        coalesce(survey_scores.surveys, 0) as surveys
    from rep_periods
    inner join periods
        on periods.period_grain = rep_periods.period_grain
        and periods.period_start = rep_periods.period_start
    left join rep_metrics
        on rep_metrics.period_grain = rep_periods.period_grain
        and rep_metrics.period_start = rep_periods.period_start
        and rep_metrics.rep_id = rep_periods.rep_id
    left join scopes
        on scopes.period_grain = rep_periods.period_grain
        and scopes.period_start = rep_periods.period_start
        and scopes.scope_id = rep_periods.rep_id
    left join regions
        on regions.region_code = scopes.parent_scope_id
    left join closed_opportunities
        on closed_opportunities.period_grain = rep_periods.period_grain
        and closed_opportunities.period_start = rep_periods.period_start
        and closed_opportunities.rep_id = rep_periods.rep_id
    left join activity_counts
        on activity_counts.period_grain = rep_periods.period_grain
        and activity_counts.period_start = rep_periods.period_start
        and activity_counts.rep_id = rep_periods.rep_id
    left join follow_up_coverage
        on follow_up_coverage.period_grain = rep_periods.period_grain
        and follow_up_coverage.period_start = rep_periods.period_start
        and follow_up_coverage.rep_id = rep_periods.rep_id
    left join survey_scores
        on survey_scores.period_grain = rep_periods.period_grain
        and survey_scores.period_start = rep_periods.period_start
        and survey_scores.rep_id = rep_periods.rep_id
),

with_tier as (
    select
        combined.*,
        commission_tiers.tier_code as commission_tier,
        commission_tiers.commission_rate
    from combined
    left join commission_tiers
        on combined.attainment is not null
        and (
            commission_tiers.attainment_from is null
            or combined.attainment > commission_tiers.attainment_from
            or (commission_tiers.from_inclusive and combined.attainment = commission_tiers.attainment_from)
        )
        and (
            commission_tiers.attainment_to is null
            or combined.attainment < commission_tiers.attainment_to
            or (commission_tiers.to_inclusive and combined.attainment = commission_tiers.attainment_to)
        )
),

final as (
    select
        period_grain,
        period_start,
        rep_id,
        rep_name,
        region_code,
        region_name,
        team_name,
        cast(revenue as decimal(38, 4)) as revenue,
        cast(revenue_target as decimal(38, 4)) as revenue_target,
        cast(attainment as {{ kpi_type_ratio() }}) as attainment,
        cast(volume as decimal(38, 4)) as volume,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(won_opportunities as {{ dbt.type_bigint() }}) as won_opportunities,
        cast(lost_opportunities as {{ dbt.type_bigint() }}) as lost_opportunities,
        {{ kpi_ratio('won_opportunities', 'won_opportunities + lost_opportunities') }} as win_rate,
        cast(avg_deal_size as decimal(38, 4)) as avg_deal_size,
        cast(sales_cycle_days as {{ kpi_type_ratio() }}) as sales_cycle_days,
        cast(calls as {{ dbt.type_bigint() }}) as calls,
        cast(working_days_worked as integer) as working_days,
        {{ kpi_ratio('calls', 'working_days_worked') }} as calls_per_day,
        cast(visits as {{ dbt.type_bigint() }}) as visits,
        cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(followed_up_customers as {{ dbt.type_bigint() }}) as followed_up_customers,
        {{ kpi_ratio('followed_up_customers', 'active_customers') }} as follow_up_coverage,
        cast(csat as {{ kpi_type_ratio() }}) as csat,
        cast(surveys as {{ dbt.type_bigint() }}) as surveys,
        cast(rank_in_region as integer) as rank_in_region,
        commission_tier,
        cast(commission_rate as {{ kpi_type_ratio() }}) as commission_rate,
        cast(revenue * commission_rate as decimal(38, 4)) as commission
    from with_tier
)

select * from final

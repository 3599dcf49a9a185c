{#-
    Service quality per period × scope (company, region, rep) against the targets of seed 003
    (seed kpi_service_quality_targets: 100%, 100%, 99 of 100, 0):

        on_time_delivery_rate     deliveries delivered on or before the promised date /
                                  deliveries promised in the period — counted once due (promised
                                  by the as-of date) or delivered; one overdue and undelivered
                                  counts as late
        feedback_resolution_rate  service cases and complaints opened in the period that are
                                  resolved / opened in the period; median_hours_to_resolve over
                                  the resolved ones
        csat                      mean satisfaction survey score (0–100) of the period
        property_incidents        cases of the period with customer property lost or damaged
    Each with its target, target − actual (…_gap; for incidents actual − target) and whether it
    is met. Each rate also last year, like for like (…_last_year: the span int_targets__periods
    compares with, macro in_period_span 'last_year_to_date' — the whole same period a year earlier
    for a complete period, for the current one as many days from last year's period start as
    have elapsed; null when last year's period starts before the data). Scope: the order owner's
    region on the order date (deliveries), the case owner's
    assignment on the opening day (cases), the survey's rep and region (surveys). A scope and
    period with nothing to measure has null rates and zero counts.
-#}
with

deliveries as (
    select * from {{ ref('fct_deliveries') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

cases as (
    select * from {{ ref('fct_service_cases') }}
),

surveys as (
    select * from {{ ref('fct_satisfaction_surveys') }}
),

reps as (
    select * from {{ ref('dim_rep') }}
),

service_targets as (
    select * from {{ ref('kpi_service_quality_targets') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
        and to_date_label <> 'future'
),

scopes as (
    select * from {{ ref('int_targets__scopes') }}
    where scope_type in ('company', 'region', 'rep')
        and is_active
),

targets as (
    select
        max(case when metric = 'on_time_delivery_rate' then target_value end) as on_time_delivery_target,
        max(case when metric = 'feedback_resolution_rate' then target_value end) as feedback_resolution_target,
        max(case when metric = 'csat' then target_value end) as csat_target,
        max(case when metric = 'property_incidents' then target_value end) as property_incidents_target
    from service_targets
),

due_deliveries as (
    select
        deliveries.planned_delivery_date as fact_date,
        coalesce(orders.rep_id, deliveries.rep_id) as rep_id,
        orders.region_code,
        case when deliveries.delivery_date <= deliveries.planned_delivery_date then 1 else 0 end as is_on_time
    from deliveries
    left join orders
        on orders.order_key = deliveries.order_key
    cross join (select max(as_of_date) as as_of_date from periods) as as_of
    where deliveries.planned_delivery_date <= as_of.as_of_date
        or deliveries.delivery_date is not null
),

attributed_cases as (
    select
        cases.opened_date as fact_date,
        cases.rep_id,
        reps.region_code,
        case when cases.is_resolved then 1 else 0 end as is_resolved,
        case when cases.is_resolved then cases.hours_to_resolve end as hours_to_resolve,
        case when cases.is_property_incident then 1 else 0 end as is_property_incident
    from cases
    left join reps
        on reps.rep_id = cases.rep_id
        and cases.opened_date between reps.valid_from and coalesce(reps.valid_to, cases.opened_date)
),

{#- Each fact once in the period it falls in (span 'period') and once in the period whose last
    year like for like holds it (span 'last_year'): two range joins, each fact matching at most
    one period of a grain per span. -#}
{%- set spanned = [('due_deliveries', 'deliveries_in_spans'), ('attributed_cases', 'cases_in_spans'),
    ('surveys', 'surveys_in_spans')] %}
{%- for facts, name in spanned %}
{%- set fact_date = 'surveys.survey_date' if facts == 'surveys' else facts ~ '.fact_date' %}

{{ name }} as (
    select periods.period_grain, periods.period_start, 'period' as span, {{ facts }}.*
    from {{ facts }}
    inner join periods
        on {% if facts == 'due_deliveries' %}{{ fact_date }} between periods.period_start and periods.period_end
        {%- else %}{{ in_period_span(fact_date, 'period') }}{% endif %}
    union all
    select periods.period_grain, periods.period_start, 'last_year', {{ facts }}.*
    from {{ facts }}
    inner join periods
        on periods.has_last_year
        and {{ in_period_span(fact_date, 'last_year_to_date') }}
),
{%- endfor %}

{%- set scope_columns = [('company', "'company'"), ('region', 'region_code'), ('rep', 'rep_id')] %}

delivery_figures as (
    {% for scope_type, scope_column in scope_columns %}
    select
        period_grain, period_start, '{{ scope_type }}' as scope_type, {{ scope_column }} as scope_id,
        sum(case when span = 'period' then 1 else 0 end) as deliveries,
        sum(case when span = 'period' then is_on_time else 0 end) as on_time_deliveries,
        sum(case when span = 'last_year' then 1 else 0 end) as deliveries_last_year,
        sum(case when span = 'last_year' then is_on_time else 0 end) as on_time_deliveries_last_year
    from deliveries_in_spans
    where {{ scope_column }} is not null
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

case_figures as (
    {% for scope_type, scope_column in scope_columns %}
    select
        period_grain, period_start, '{{ scope_type }}' as scope_type, {{ scope_column }} as scope_id,
        sum(case when span = 'period' then 1 else 0 end) as cases_opened,
        sum(case when span = 'period' then is_resolved else 0 end) as cases_resolved,
        -- in double on every engine (Spark would round a decimal median)
        percentile_cont(0.5) within group (
            order by case when span = 'period' then cast(hours_to_resolve as {{ kpi_type_ratio() }}) end
        ) as median_hours_to_resolve,
        sum(case when span = 'period' then is_property_incident else 0 end) as property_incidents,
        sum(case when span = 'last_year' then 1 else 0 end) as cases_opened_last_year,
        sum(case when span = 'last_year' then is_resolved else 0 end) as cases_resolved_last_year
    from cases_in_spans
    where {{ scope_column }} is not null
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

survey_figures as (
    {% for scope_type, scope_column in scope_columns %}
    select
        period_grain, period_start, '{{ scope_type }}' as scope_type, {{ scope_column }} as scope_id,
        sum(case when span = 'period' then 1 else 0 end) as surveys,
        avg(case when span = 'period' then score end) as csat,
        avg(case when span = 'last_year' then score end) as csat_last_year
    from surveys_in_spans
    where {{ scope_column }} is not null
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

measured as (
    select
        scopes.period_grain,
        scopes.period_start,
        scopes.scope_type,
        scopes.scope_id,
        scopes.scope_name,
        coalesce(delivery_figures.deliveries, 0) as deliveries,
        coalesce(delivery_figures.on_time_deliveries, 0) as on_time_deliveries,
        {{ kpi_ratio('delivery_figures.on_time_deliveries', 'delivery_figures.deliveries') }} as on_time_delivery_rate,
        {{ kpi_ratio('delivery_figures.on_time_deliveries_last_year', 'delivery_figures.deliveries_last_year') }}
            as on_time_delivery_rate_last_year,
        coalesce(case_figures.cases_opened, 0) as cases_opened,
        coalesce(case_figures.cases_resolved, 0) as cases_resolved,
        {{ kpi_ratio('case_figures.cases_resolved', 'case_figures.cases_opened') }} as feedback_resolution_rate,
        {{ kpi_ratio('case_figures.cases_resolved_last_year', 'case_figures.cases_opened_last_year') }}
            as feedback_resolution_rate_last_year,
        case_figures.median_hours_to_resolve,
        coalesce(survey_figures.surveys, 0) as surveys,
        survey_figures.csat,
        survey_figures.csat_last_year,
        coalesce(case_figures.property_incidents, 0) as property_incidents,
        targets.*
    from scopes
    inner join periods
        on periods.period_grain = scopes.period_grain
        and periods.period_start = scopes.period_start
    cross join targets
    left join delivery_figures
        on delivery_figures.period_grain = scopes.period_grain
        and delivery_figures.period_start = scopes.period_start
        and delivery_figures.scope_type = scopes.scope_type
        and delivery_figures.scope_id = scopes.scope_id
    left join case_figures
        on case_figures.period_grain = scopes.period_grain
        and case_figures.period_start = scopes.period_start
        and case_figures.scope_type = scopes.scope_type
        and case_figures.scope_id = scopes.scope_id
    left join survey_figures
        on survey_figures.period_grain = scopes.period_grain
        and survey_figures.period_start = scopes.period_start
        and survey_figures.scope_type = scopes.scope_type
        and survey_figures.scope_id = scopes.scope_id
),

final as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        cast(deliveries as {{ dbt.type_bigint() }}) as deliveries,
        cast(on_time_deliveries as {{ dbt.type_bigint() }}) as on_time_deliveries,
        cast(on_time_delivery_rate as {{ kpi_type_ratio() }}) as on_time_delivery_rate,
        cast(on_time_delivery_target as {{ kpi_type_ratio() }}) as on_time_delivery_target,
        cast(on_time_delivery_target - on_time_delivery_rate as {{ kpi_type_ratio() }}) as on_time_delivery_gap,
        on_time_delivery_rate >= on_time_delivery_target as is_on_time_delivery_met,
        cast(on_time_delivery_rate_last_year as {{ kpi_type_ratio() }}) as on_time_delivery_rate_last_year,
        cast(cases_opened as {{ dbt.type_bigint() }}) as cases_opened,
        cast(cases_resolved as {{ dbt.type_bigint() }}) as cases_resolved,
        cast(feedback_resolution_rate as {{ kpi_type_ratio() }}) as feedback_resolution_rate,
        cast(feedback_resolution_target as {{ kpi_type_ratio() }}) as feedback_resolution_target,
        cast(feedback_resolution_target - feedback_resolution_rate as {{ kpi_type_ratio() }}) as feedback_resolution_gap,
        feedback_resolution_rate >= feedback_resolution_target as is_feedback_resolution_met,
        cast(feedback_resolution_rate_last_year as {{ kpi_type_ratio() }}) as feedback_resolution_rate_last_year,
        cast(median_hours_to_resolve as {{ kpi_type_ratio() }}) as median_hours_to_resolve,
        cast(surveys as {{ dbt.type_bigint() }}) as surveys,
        cast(csat as {{ kpi_type_ratio() }}) as csat,
        cast(csat_target as {{ kpi_type_ratio() }}) as csat_target,
        cast(csat_target - csat as {{ kpi_type_ratio() }}) as csat_gap,
        csat >= csat_target as is_csat_met,
        cast(csat_last_year as {{ kpi_type_ratio() }}) as csat_last_year,
        cast(property_incidents as {{ dbt.type_bigint() }}) as property_incidents,
        cast(property_incidents_target as {{ dbt.type_bigint() }}) as property_incidents_target,
        cast(property_incidents - property_incidents_target as {{ dbt.type_bigint() }}) as property_incidents_gap,
        property_incidents <= property_incidents_target as is_property_incidents_met
    from measured
)

select * from final

{#-
    Do forecasts come true (seeds 002, 004)? For each reporting period (month, quarter, year), the
    revenue forecast as it could have been made on fixed snapshot days before the period —
    snapshot_date = period_start − lead_days, lead_days in var forecast_lead_days (0, 30, 60) —
    against the period's actual revenue, by scope (company, region, rep), one row per
    forecast_method:

        weighted_pipeline   Σ amount_cny × win probability of the opportunities open at the end of
                            the snapshot day with an expected close date (as it stood then) in the
                            period (fct_pipeline_spans open that day; as kpi_pipeline_forecast's pipeline_forecast
                            with nothing sold yet)
        commit              Σ amount_cny of the same opportunities in forecast category commit or
                            closed; null where none of them carries a forecast category (a CRM
                            without one: Zoho and Fxiaoke export none)
        run_rate            the run-rate formula (macro run_rate_forecast) over the days_in_period
                            days before the snapshot day: the revenue of those days, scaled to the
                            period's length
        seasonal            the seasonal formula (macro seasonal_forecast) on the same days: their
                            revenue × last year's whole period / the same days one year earlier;
                            the run-rate where last year has nothing on those days
    against
        actual              the period's revenue (int_targets__actuals), once the period is complete
        forecast_error      forecast − actual
        error_pct           |forecast − actual| / actual (macro forecast_error_pct)
        bias_pct            (forecast − actual) / actual: above 0 the forecast was too high
                            (macro forecast_bias_pct); average it over periods to see a lean
    Null where unknown: a snapshot day before the pipeline history starts (macro
    pipeline_history_start) or after the as-of date gives no pipeline forecast; run-rate and
    seasonal need their days after the first order and before the as-of date; a period not
    complete has no actual, so no error.

    Scope: an opportunity counts for its owner rep and the rep's region on its expected close date
    (macros attribution_joins / attribution_columns, as int_opportunities); revenue as
    int_targets__daily_actuals attributes it.
-#}
{%- set lead_days = var('forecast_lead_days', [0, 30, 60]) %}
{%- set scope_columns = [('company', "'company'"), ('region', 'region_code'), ('rep', 'rep_id')] %}
with

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
),

pipeline_spans as (
    -- the days of fct_pipeline_daily as spans: only the spans open on a snapshot day are read
    select * from {{ ref('fct_pipeline_spans') }}
),

states as (
    select * from {{ ref('int_opportunity_states') }}
),

daily_revenue as (
    select * from {{ ref('int_targets__daily_actuals') }}
    where metric = 'revenue'
        and scope_type in ('company', 'region', 'rep')
),

period_actuals as (
    select * from {{ ref('int_targets__actuals') }}
    where metric = 'revenue'
        and scope_type in ('company', 'region', 'rep')
),

leads as (
    {% for lead in lead_days %}
    select {{ lead }} as lead_days
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

snapshots as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        periods.days_in_period,
        periods.to_date_label,
        periods.as_of_date,
        periods.data_start_date,
        periods.last_year_period_start,
        periods.last_year_period_end,
        leads.lead_days,
        cast({{ dbt.dateadd('day', '-1 * leads.lead_days', 'periods.period_start') }} as date) as snapshot_date,
        cast({{ dbt.dateadd('day', '-1 * (leads.lead_days + periods.days_in_period)', 'periods.period_start') }} as date)
            as window_start
    from periods
    cross join leads
),

windows as (
    select
        snapshots.*,
        cast({{ dbt.dateadd('year', -1, 'snapshots.window_start') }} as date) as last_year_window_start,
        cast({{ dbt.dateadd('year', -1, dbt.dateadd('day', -1, 'snapshots.snapshot_date')) }} as date)
            as last_year_window_end,
        snapshots.snapshot_date >= {{ pipeline_history_start('states') }}
            and snapshots.snapshot_date <= snapshots.as_of_date as is_pipeline_known,
        snapshots.window_start >= snapshots.data_start_date
            and snapshots.snapshot_date <= {{ dbt.dateadd('day', 1, 'snapshots.as_of_date') }} as is_window_known
    from snapshots
),

snapshot_pipeline as (
    select
        windows.period_grain,
        windows.period_start,
        windows.lead_days,
        pipeline_spans.rep_id,
        pipeline_spans.customer_key,
        pipeline_spans.expected_close_date,
        pipeline_spans.amount_cny,
        pipeline_spans.weighted_amount_cny,
        pipeline_spans.forecast_category
    from pipeline_spans
    inner join windows
        on windows.snapshot_date >= pipeline_spans.open_from
        and windows.snapshot_date <= pipeline_spans.open_through
        and pipeline_spans.expected_close_date between windows.period_start and windows.period_end
),

attributed_pipeline as (
    select
        snapshot_pipeline.*,
{{ attribution_columns(['region_code']) }}
    from snapshot_pipeline
{{ attribution_joins('snapshot_pipeline', 'expected_close_date') }}
),

pipeline_by_scope as (
    {% for scope_type, scope_column in scope_columns %}
    select
        period_grain,
        period_start,
        lead_days,
        '{{ scope_type }}' as scope_type,
        {{ scope_column }} as scope_id,
        sum(weighted_amount_cny) as weighted_pipeline,
        sum(case when forecast_category in ('commit', 'closed') then amount_cny else 0 end) as commit_amount,
        count(forecast_category) as categorised_opportunities
    from attributed_pipeline
    where {{ scope_column }} is not null
    group by 1, 2, 3, 4, 5
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

revenue_in_windows as (
    -- two joins of one window's days each (not one from last year's window to this one's end):
    -- rows read stay Σ over snapshots of 2 × days_in_period × scopes
    select
        windows.period_grain, windows.period_start, windows.lead_days,
        daily_revenue.scope_type, daily_revenue.scope_id,
        daily_revenue.actual_value as window_revenue,
        0 as last_year_window_revenue
    from daily_revenue
    inner join windows
        on daily_revenue.date_day >= windows.window_start
        and daily_revenue.date_day < windows.snapshot_date
    union all
    select
        windows.period_grain, windows.period_start, windows.lead_days,
        daily_revenue.scope_type, daily_revenue.scope_id,
        0,
        daily_revenue.actual_value
    from daily_revenue
    inner join windows
        on daily_revenue.date_day between windows.last_year_window_start and windows.last_year_window_end
),

revenue_windows as (
    select
        period_grain, period_start, lead_days, scope_type, scope_id,
        sum(window_revenue) as window_revenue,
        sum(last_year_window_revenue) as last_year_window_revenue
    from revenue_in_windows
    group by 1, 2, 3, 4, 5
),

scope_keys as (
    select period_grain, period_start, lead_days, scope_type, scope_id from pipeline_by_scope
    union
    select period_grain, period_start, lead_days, scope_type, scope_id from revenue_windows
    union
    select period_actuals.period_grain, period_actuals.period_start, leads.lead_days,
        period_actuals.scope_type, period_actuals.scope_id
    from period_actuals
    cross join leads
),

combined as (
    select
        scope_keys.*,
        windows.period_end,
        windows.snapshot_date,
        windows.days_in_period,
        windows.to_date_label,
        case when windows.is_pipeline_known then coalesce(pipeline_by_scope.weighted_pipeline, 0) end
            as weighted_pipeline,
        case when windows.is_pipeline_known and pipeline_by_scope.categorised_opportunities > 0
            then pipeline_by_scope.commit_amount end as commit_forecast,
        case when windows.is_window_known then coalesce(revenue_windows.window_revenue, 0) end as window_revenue,
        -- last year's days before the first order are unknown, not zero: the seasonal formula
        -- then falls back to the run-rate
        case when windows.last_year_window_start >= windows.data_start_date
            then coalesce(revenue_windows.last_year_window_revenue, 0) end as last_year_window_revenue,
        period_actuals.actual_last_year,
        case when windows.to_date_label = 'complete' then coalesce(period_actuals.actual, 0) end as actual
    from scope_keys
    inner join windows
        on windows.period_grain = scope_keys.period_grain
        and windows.period_start = scope_keys.period_start
        and windows.lead_days = scope_keys.lead_days
    left join pipeline_by_scope
        on pipeline_by_scope.period_grain = scope_keys.period_grain
        and pipeline_by_scope.period_start = scope_keys.period_start
        and pipeline_by_scope.lead_days = scope_keys.lead_days
        and pipeline_by_scope.scope_type = scope_keys.scope_type
        and pipeline_by_scope.scope_id = scope_keys.scope_id
    left join revenue_windows
        on revenue_windows.period_grain = scope_keys.period_grain
        and revenue_windows.period_start = scope_keys.period_start
        and revenue_windows.lead_days = scope_keys.lead_days
        and revenue_windows.scope_type = scope_keys.scope_type
        and revenue_windows.scope_id = scope_keys.scope_id
    left join period_actuals
        on period_actuals.period_grain = scope_keys.period_grain
        and period_actuals.period_start = scope_keys.period_start
        and period_actuals.scope_type = scope_keys.scope_type
        and period_actuals.scope_id = scope_keys.scope_id
),

forecasts as (
    select
        combined.*,
        {{ run_rate_forecast('window_revenue', 'days_in_period', 'days_in_period') }} as run_rate
    from combined
),

by_method as (
    {%- set methods = [
        ('weighted_pipeline', 'weighted_pipeline'),
        ('commit', 'commit_forecast'),
        ('run_rate', 'run_rate'),
        ('seasonal', seasonal_forecast('window_revenue', 'actual_last_year', 'last_year_window_revenue', 'run_rate')),
    ] %}
    {% for method, expression in methods %}
    select
        forecasts.*,
        '{{ method }}' as forecast_method,
        {{ expression }} as forecast
    from forecasts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        to_date_label,
        cast(lead_days as integer) as lead_days,
        snapshot_date,
        scope_type,
        scope_id,
        forecast_method,
        cast(forecast as decimal(38, 4)) as forecast,
        cast(actual as decimal(38, 4)) as actual,
        cast(forecast - actual as decimal(38, 4)) as forecast_error,
        cast({{ forecast_error_pct('forecast', 'actual') }} as {{ kpi_type_ratio() }}) as error_pct,
        cast({{ forecast_bias_pct('forecast', 'actual') }} as {{ kpi_type_ratio() }}) as bias_pct
    from by_method
)

select * from final

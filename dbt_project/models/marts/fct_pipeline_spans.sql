{#-
    The pipeline as spans of days: one row per opportunity × state it held while open, with the
    first and last day (inclusive) it stood so at the end of the day, and the stage, amount,
    probability and expected close date of that state (int_opportunity_states, rebuilt from the
    raw zone's versions and the stage history). fct_pipeline_daily is this table expanded to days,
    as a view: the pipeline on day D is every span with open_from <= D <= open_through.

    Why spans are stored and days are not. Days grow with Σ over opportunities of the days each
    was open (1M opportunities open 90 days on average: 90M rows), spans with the number of edits.
    At 1M order lines the daily rows were 28M, twenty times the next largest table, and more than
    half of the build's storage and of the publish's copy; at 10M order lines they would not fit
    the reference machine's disk twice (build and published version). The view costs nothing to
    build or publish, and a query for a few days expands only the spans open on them.

    Days: from the first state any opportunity has (or var pipeline_history_start, when given: the
    day from which the raw zone holds every opportunity, typically the first full load) to the
    as-of date (macro reporting_as_of_date, as the KPI marts). Amounts convert at the rate of the
    expected close month (the newest rate carried forward beyond the FX sheet, fx_is_projected),
    as fct_opportunities. Opportunities deleted in the CRM are left out (int_opportunities).
    A table, rebuilt every night from the states: an FX sheet, a stage_mapping edit or a customer
    merge reaches every day at once.
-#}
with

states as (
    select * from {{ ref('int_opportunity_states') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

as_of as (
    select cast({{ reporting_as_of_date() }} as date) as as_of_date
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

history_start as (
    select {{ pipeline_history_start('states') }} as first_day
),

open_spans as (
    -- each open state of a live opportunity, converted once; a state still held runs to the
    -- as-of date, and no span starts before the history does
    select
        states.*,
        fx_rates.rate_to_cny as fx_rate,
        coalesce(fx_rates.is_projected, false) as fx_is_projected,
        {{ to_money(to_wide_decimal('states.amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny,
        {{ weighted_amount(to_money(to_wide_decimal('states.amount', 4) ~ ' * fx_rates.rate_to_cny'), 'states.win_probability') }}
            as weighted_amount_cny,
        greatest(states.valid_from, history_start.first_day) as open_from,
        least(
            cast(coalesce({{ dbt.dateadd('day', -1, 'states.valid_to') }}, as_of.as_of_date) as date),
            as_of.as_of_date
        ) as open_through
    from states
    cross join as_of
    cross join history_start
    left join fx_rates
        on fx_rates.currency = states.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'states.expected_close_date') }} as date)
    where states.stage_group = 'open'
        and states.opportunity_key in (select opportunity_key from opportunities)
),

final as (
    select
        {{ dbt.hash(dbt.concat([dbt.cast('open_from', dbt.type_string()), "'|'", 'opportunity_key'])) }}
            as pipeline_span_key,
        opportunity_key,
        cast(open_from as date) as open_from,
        cast(open_through as date) as open_through,
        source_system,
        opportunity_id,
        rep_id,
        customer_key,
        source_stage,
        stage_code,
        cast(stage_order as integer) as stage_order,
        currency,
        amount as amount_local,
        fx_rate,
        fx_is_projected,
        amount_cny,
        win_probability,
        weighted_amount_cny,
        expected_close_date,
        forecast_category,
        valid_from as state_since,
        values_basis,
        loaded_at
    from open_spans
    where open_from <= open_through
)

select * from final

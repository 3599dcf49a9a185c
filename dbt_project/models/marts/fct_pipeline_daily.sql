{#-
    The pipeline as it stood at the end of each day: one row per day × opportunity open that day,
    with the stage, amount, probability and expected close date it had then (int_opportunity_states,
    rebuilt from the raw zone's versions and the stage history).

    Why a daily grain, and what it costs. The states are stored once as validity intervals
    (int_opportunity_states: a row per change, valid_from .. valid_to), which grow with the number
    of edits, not of days; "as of day D" over them is `valid_from <= D and (valid_to is null or
    D < valid_to)`. This daily fact expands only the open spans to days, so its size is Σ over
    opportunities of the days each was open (1M opportunities open 90 days on average: 90M narrow
    rows, a few GB in DuckDB's columnar storage). Each open span is converted to CNY once, then
    expanded by a range join on two plain inequalities (valid_from <= day < valid_until), which
    DuckDB runs as an IEJoin (sorts), not as a nested loop over every day. BI tools get an
    equi-join on pipeline_date instead of an interval join; kpi_forecast_accuracy reads only the
    few snapshot days it needs.

    Days: from the first state any opportunity has (or var pipeline_history_start, when given: the
    day from which the raw zone holds every opportunity, typically the first full load) to the
    as-of date (macro reporting_as_of_date, as the KPI marts). Amounts convert at the rate of the
    expected close month (the newest rate carried forward beyond the FX sheet, fx_is_projected),
    as fct_opportunities.

    Incremental (delete+insert by pipeline_date; on Spark's plain Parquet a whole-table
    overwrite, macro incremental_strategy): a run rewrites the days after the newest day stored,
    and every day an opportunity with a state first loaded since the newest state stored (a late
    version, a new stage-history export) is open on now or was stored on — not every day since
    its earliest change — and the post-hook drops the rows of opportunities deleted since. A
    stage_mapping edit is a change of the project's code, so the night after it is an automatic
    full refresh (orchestration/dbt/inputs.py). An FX sheet or a customer merge (customer_key)
    is data, not code: it changes old days only with
    dbt build --full-refresh --select fct_pipeline_daily+
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    unique_key='pipeline_date',
    on_schema_change='fail',
    post_hook="{{ delete_gone_rows('opportunity_key', ref('int_opportunities')) }}"
) }}

with

states as (
    select * from {{ ref('int_opportunity_states') }}
),

dates as (
    select * from {{ ref('dim_date') }}
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
    -- each open state once, converted once (not once per day), with the first day it no longer
    -- holds: valid_to, else the day after the as-of date. Two plain inequalities (no `or`), so
    -- that the expansion to days below is a range join the engine runs by sorting (DuckDB's
    -- IEJoin), not a nested loop over every day
    select
        states.*,
        fx_rates.rate_to_cny as fx_rate,
        coalesce(fx_rates.is_projected, false) as fx_is_projected,
        {{ to_money(to_wide_decimal('states.amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny,
        {{ weighted_amount(to_money(to_wide_decimal('states.amount', 4) ~ ' * fx_rates.rate_to_cny'), 'states.win_probability') }}
            as weighted_amount_cny,
        cast(coalesce(states.valid_to, {{ dbt.dateadd('day', 1, 'as_of.as_of_date') }}) as date) as valid_until
    from states
    cross join as_of
    left join fx_rates
        on fx_rates.currency = states.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'states.expected_close_date') }} as date)
    where states.stage_group = 'open'
),

{% set by_day = is_incremental() and incremental_by_key() %}
{% if by_day %}
changed_opportunities as (
    -- opportunities with a state first loaded since the newest state stored (a late version, a
    -- new stage-history export): every day they are open now or were stored on is rewritten
    select distinct opportunity_key
    from states
    where loaded_at > {{ incremental_watermark() }}
),

changed_days as (
    -- the days after the newest day stored
    select dates.date_day as pipeline_date
    from dates
    where dates.date_day > (select coalesce(max(pipeline_date), cast('1900-01-01' as date)) from {{ this }})
    union
    -- the days a changed opportunity is open on now
    select dates.date_day
    from open_spans
    inner join changed_opportunities
        on changed_opportunities.opportunity_key = open_spans.opportunity_key
    inner join dates
        on dates.date_day >= open_spans.valid_from
        and dates.date_day < open_spans.valid_until
    union
    -- the days it was stored on
    select stored.pipeline_date
    from {{ this }} as stored
    inner join changed_opportunities
        on changed_opportunities.opportunity_key = stored.opportunity_key
),
{% endif %}

days as (
    select dates.date_day as pipeline_date
    from dates
    cross join history_start
    cross join as_of
    {% if by_day %}
    inner join changed_days
        on changed_days.pipeline_date = dates.date_day
    {% endif %}
    where dates.date_day >= history_start.first_day
        and dates.date_day <= as_of.as_of_date
),

daily as (
    select
        days.pipeline_date,
        open_spans.*
    from open_spans
    inner join days
        on days.pipeline_date >= open_spans.valid_from
        and days.pipeline_date < open_spans.valid_until
),

final as (
    select
        {{ dbt.hash(dbt.concat([dbt.cast('pipeline_date', dbt.type_string()), "'|'", 'opportunity_key'])) }}
            as pipeline_day_key,
        pipeline_date,
        opportunity_key,
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
    from daily
)

select * from final

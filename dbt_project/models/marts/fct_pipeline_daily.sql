{#-
    The pipeline as it stood at the end of each day: one row per day × opportunity open that day,
    with the stage, amount, probability and expected close date it had then (int_opportunity_states,
    rebuilt from the raw zone's versions and the stage history).

    Why a daily grain, and what it costs. The states are stored once as validity intervals
    (int_opportunity_states: a row per change, valid_from .. valid_to), which grow with the number
    of edits, not of days; "as of day D" over them is `valid_from <= D and (valid_to is null or
    D < valid_to)`. This daily fact expands only the open spans to days, so its size is Σ over
    opportunities of the days each was open (1M opportunities open 90 days on average: 90M narrow
    rows, a few GB in DuckDB's columnar storage) and it is built incrementally by day, so a night
    writes one day of open opportunities plus the days late versions changed. BI tools get an
    equi-join on pipeline_date instead of an interval join; kpi_forecast_accuracy reads only the
    few snapshot days it needs.

    Days: from the first state any opportunity has (or var pipeline_history_start, when given: the
    day from which the raw zone holds every opportunity, typically the first full load) to the
    as-of date (macro reporting_as_of_date, as the KPI marts). Amounts convert at the rate of the
    expected close month (the newest rate carried forward beyond the FX sheet, fx_is_projected),
    as fct_opportunities.

    Incremental (delete+insert by pipeline_date; on Spark's plain Parquet a whole-table
    overwrite, macro incremental_strategy): a run rewrites every day from the earlier of the
    day after the newest day stored and the first day of a state first loaded since the newest
    state stored (a late version, a new stage-history export), and the post-hook drops the rows of
    opportunities deleted since. A stage_mapping or FX edit changes old days only with
    --full-refresh: dbt build --full-refresh --select fct_pipeline_daily+
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

{% set by_day = is_incremental() and incremental_by_key() %}
{% if by_day %}
changed_days_from as (
    -- the day after the newest day stored, or the first day of a state loaded since, if earlier
    select least(
        coalesce(
            (select cast({{ dbt.dateadd('day', 1, 'max(pipeline_date)') }} as date) from {{ this }}),
            (select first_day from history_start)
        ),
        coalesce(
            (select min(valid_from) from states where loaded_at > {{ incremental_watermark() }}),
            cast('9999-12-31' as date)
        )
    ) as first_day
),
{% endif %}

days as (
    select dates.date_day as pipeline_date
    from dates
    cross join history_start
    cross join as_of
    {% if by_day %}cross join changed_days_from{% endif %}
    where dates.date_day >= history_start.first_day
        and dates.date_day <= as_of.as_of_date
        {% if by_day %}and dates.date_day >= changed_days_from.first_day{% endif %}
),

open_states as (
    select * from states
    where stage_group = 'open'
),

daily as (
    select
        days.pipeline_date,
        open_states.*
    from open_states
    inner join days
        on days.pipeline_date >= open_states.valid_from
        and (open_states.valid_to is null or days.pipeline_date < open_states.valid_to)
),

final as (
    select
        {{ dbt.hash(dbt.concat([dbt.cast('daily.pipeline_date', dbt.type_string()), "'|'", 'daily.opportunity_key'])) }}
            as pipeline_day_key,
        daily.pipeline_date,
        daily.opportunity_key,
        daily.source_system,
        daily.opportunity_id,
        daily.rep_id,
        daily.customer_key,
        daily.source_stage,
        daily.stage_code,
        cast(daily.stage_order as integer) as stage_order,
        daily.currency,
        daily.amount as amount_local,
        fx_rates.rate_to_cny as fx_rate,
        coalesce(fx_rates.is_projected, false) as fx_is_projected,
        {{ to_money(to_wide_decimal('daily.amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny,
        daily.win_probability,
        {{ weighted_amount(to_money(to_wide_decimal('daily.amount', 4) ~ ' * fx_rates.rate_to_cny'), 'daily.win_probability') }}
            as weighted_amount_cny,
        daily.expected_close_date,
        daily.forecast_category,
        daily.valid_from as state_since,
        daily.values_basis,
        daily.loaded_at
    from daily
    left join fx_rates
        on fx_rates.currency = daily.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'daily.expected_close_date') }} as date)
)

select * from final

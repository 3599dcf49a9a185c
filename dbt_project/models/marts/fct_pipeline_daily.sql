{#-
    The pipeline as it stood at the end of each day: one row per day × opportunity open that day,
    fct_pipeline_spans expanded to its days (the spans hold the rules: which states, which days,
    which rate). A view, published as a view: it is built and copied in no time at any size, and
    the pipeline of a few days (`where pipeline_date = D`) reads only the spans open on them. The
    expansion is a range join on two plain inequalities, which DuckDB runs as an IEJoin (sorts),
    not as a nested loop over every day.
-#}
{{ config(materialized='view') }}

with

spans as (
    select * from {{ ref('fct_pipeline_spans') }}
),

dates as (
    select * from {{ ref('dim_date') }}
),

daily as (
    select
        dates.date_day as pipeline_date,
        spans.*
    from spans
    inner join dates
        on dates.date_day >= spans.open_from
        and dates.date_day <= spans.open_through
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
        stage_order,
        currency,
        amount_local,
        fx_rate,
        fx_is_projected,
        amount_cny,
        win_probability,
        weighted_amount_cny,
        expected_close_date,
        forecast_category,
        state_since,
        values_basis,
        loaded_at
    from daily
)

select * from final

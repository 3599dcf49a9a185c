{#-
    The sales funnel per period × scope × stage (KPI_DEFINITIONS "Opportunities and funnel"),
    from the stage history, by the day an opportunity entered the stage:

        entered             opportunities that entered the stage in the period
        converted_to_next   of those, the ones that reached a later open stage or won by the
                            as-of date (lost is not progress)
        conversion_rate     converted_to_next / entered
        lost_after_stage    of those, the ones lost without reaching a later stage (leakage)
        leakage_rate        lost_after_stage / entered
        median_days_in_stage  median days between entering the stage and entering the next,
                            over the entries of the period that left it

    Quote response (proposal stage rows only; seed 003: a formal quote within
    var kpi_quote_response_target_hours = 4 hours): a request is the opportunity's first entry
    into the proposal / quote stage, its response the first quote sent at or after it; hours
    are elapsed clock hours, so an evening request answered next morning counts the night.
    The won stage ends the funnel: its conversion and leakage are null.

    Scope: the opportunity's owner rep, and the region and team the entry belongs to on the day
    the stage was entered (the one attribution rule, macro attribution_joins: the rep's
    assignment on that day, else the customer's owner's on that day, else the rep's last). Stage rows exist for every active scope (zeros).

    The entries, their flags and scopes are int_funnel__stage_entries; the medians of days in
    stage int_funnel__stage_medians, a query of their own (at 10M order lines the counts and the
    medians each group 123M scope × period rows, which one query could not hold in 3 GiB).
-#}
with

entries as (
    select * from {{ ref('int_funnel__stage_entries') }}
),

stage_medians as (
    select * from {{ ref('int_funnel__stage_medians') }}
),

quotes as (
    select * from {{ ref('fct_quotes') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
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

stages as (
    select
        stage_code,
        max(stage_name) as stage_name,
        min(stage_order) as stage_order,
        max(case when stage_group = 'won' then 1 else 0 end) = 1 as is_final_stage
    from stage_mapping
    where stage_group in ('open', 'won')
    group by stage_code
),

first_requests as (
    select
        opportunity_key,
        rep_id,
        customer_key,
        min(entered_at) as requested_at
    from entries
    where stage_code = 'proposal'
    group by opportunity_key, rep_id, customer_key
),

quote_responses as (
    select
        first_requests.opportunity_key,
        'proposal' as stage_code,
        first_requests.rep_id,
        first_requests.customer_key,
        first_requests.requested_at,
        cast(first_requests.requested_at as date) as entered_date,
        min(quotes.quoted_at) as first_quoted_at
    from first_requests
    left join quotes
        on quotes.opportunity_key = first_requests.opportunity_key
        and quotes.quoted_at >= first_requests.requested_at
    group by 1, 2, 3, 4, 5, 6
),

quote_response_hours as (
    select
        quote_responses.*,
        cast({{ dbt.datediff('requested_at', 'first_quoted_at', 'second') }} as {{ kpi_type_ratio() }}) / 3600
            as response_hours
    from quote_responses
),

entries_in_periods as (
    {{ funnel_in_periods('entries', 'periods') }}
),

quotes_in_periods as (
    {{ funnel_in_periods('quote_response_hours', 'periods') }}
),

-- one row per opportunity that entered the stage in the period (it may enter it more than
-- once); whether it converted or leaked is the opportunity's, the same for each of its entries.
-- An opportunity that entered the stage once (nearly all) is its one entry; only those that
-- entered it again are grouped, so the grouping is as large as the re-entries, not as the
-- funnel × scopes × periods (123M rows at 10M order lines)
opportunities_in_periods as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        stage_code,
        case when is_converted then 1 else 0 end as is_converted,
        case when is_leaked then 1 else 0 end as is_leaked
    from entries_in_periods
    where entries_of_stage = 1
    union all
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        stage_code,
        max(case when is_converted then 1 else 0 end) as is_converted,
        max(case when is_leaked then 1 else 0 end) as is_leaked
    from entries_in_periods
    where entries_of_stage > 1
    group by period_grain, period_start, scope_type, scope_id, stage_code, opportunity_key
),

stage_counts as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        stage_code,
        count(*) as entered,
        sum(is_converted) as converted_to_next,
        sum(is_leaked) as lost_after_stage
    from opportunities_in_periods
    group by 1, 2, 3, 4, 5
),

stage_figures as (
    select
        stage_counts.*,
        stage_medians.median_days_in_stage
    from stage_counts
    left join stage_medians
        on stage_medians.period_grain = stage_counts.period_grain
        and stage_medians.period_start = stage_counts.period_start
        and stage_medians.scope_type = stage_counts.scope_type
        and stage_medians.scope_id = stage_counts.scope_id
        and stage_medians.stage_code = stage_counts.stage_code
),

quote_figures as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        stage_code,
        count(*) as quote_requests,
        count(first_quoted_at) as quotes_sent,
        sum(case when response_hours <= {{ kpi_param('quote_response_target_hours') }} then 1 else 0 end)
            as quotes_within_target,
        percentile_cont(0.5) within group (order by response_hours) as median_quote_response_hours,
        -- averaged as decimals: a double sum depends on the order threads add it up in, and a
        -- published figure must be the same on every run
        avg(cast(response_hours as {{ dbt.type_numeric() }})) as avg_quote_response_hours
    from quotes_in_periods
    group by 1, 2, 3, 4, 5
),

scaffold as (
    select
        scopes.period_grain,
        scopes.period_start,
        scopes.scope_type,
        scopes.scope_id,
        scopes.scope_name,
        stages.stage_code,
        stages.stage_name,
        stages.stage_order,
        stages.is_final_stage
    from scopes
    inner join periods
        on periods.period_grain = scopes.period_grain
        and periods.period_start = scopes.period_start
    cross join stages
),

final as (
    select
        scaffold.period_grain,
        scaffold.period_start,
        scaffold.scope_type,
        scaffold.scope_id,
        scaffold.scope_name,
        scaffold.stage_code,
        scaffold.stage_name,
        cast(scaffold.stage_order as integer) as stage_order,
        cast(coalesce(stage_figures.entered, 0) as {{ dbt.type_bigint() }}) as entered,
        cast(case when not scaffold.is_final_stage then coalesce(stage_figures.converted_to_next, 0) end
            as {{ dbt.type_bigint() }}) as converted_to_next,
        case when not scaffold.is_final_stage
            then {{ kpi_ratio('stage_figures.converted_to_next', 'stage_figures.entered') }} end as conversion_rate,
        cast(case when not scaffold.is_final_stage then coalesce(stage_figures.lost_after_stage, 0) end
            as {{ dbt.type_bigint() }}) as lost_after_stage,
        case when not scaffold.is_final_stage
            then {{ kpi_ratio('stage_figures.lost_after_stage', 'stage_figures.entered') }} end as leakage_rate,
        cast(stage_figures.median_days_in_stage as {{ kpi_type_ratio() }}) as median_days_in_stage,
        cast(case when scaffold.stage_code = 'proposal' then coalesce(quote_figures.quote_requests, 0) end
            as {{ dbt.type_bigint() }}) as quote_requests,
        cast(case when scaffold.stage_code = 'proposal' then coalesce(quote_figures.quotes_sent, 0) end
            as {{ dbt.type_bigint() }}) as quotes_sent,
        cast(case when scaffold.stage_code = 'proposal' then coalesce(quote_figures.quotes_within_target, 0) end
            as {{ dbt.type_bigint() }}) as quotes_within_target,
        {{ kpi_ratio('quote_figures.quotes_within_target', 'quote_figures.quotes_sent') }} as quote_within_target_rate,
        cast(quote_figures.median_quote_response_hours as {{ kpi_type_ratio() }}) as median_quote_response_hours,
        cast(quote_figures.avg_quote_response_hours as {{ kpi_type_ratio() }}) as avg_quote_response_hours,
        cast(case when scaffold.stage_code = 'proposal' then {{ kpi_param('quote_response_target_hours') }} end
            as {{ kpi_type_ratio() }}) as quote_response_target_hours
    from scaffold
    left join stage_figures
        on stage_figures.period_grain = scaffold.period_grain
        and stage_figures.period_start = scaffold.period_start
        and stage_figures.scope_type = scaffold.scope_type
        and stage_figures.scope_id = scaffold.scope_id
        and stage_figures.stage_code = scaffold.stage_code
    left join quote_figures
        on quote_figures.period_grain = scaffold.period_grain
        and quote_figures.period_start = scaffold.period_start
        and quote_figures.scope_type = scaffold.scope_type
        and quote_figures.scope_id = scaffold.scope_id
        and quote_figures.stage_code = scaffold.stage_code
)

select * from final

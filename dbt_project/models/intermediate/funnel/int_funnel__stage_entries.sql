{#-
    The funnel's stage entries (KPI_DEFINITIONS "Opportunities and funnel"): one row per entry
    into an open or won stage up to the as-of date, with what kpi_funnel counts of it —
    whether the opportunity went further (a later open stage or won, by the as-of date: lost is
    not progress), whether it was lost without going further (leakage), the days it stayed
    before the next stage, how often it entered this stage — and the opportunity's owner rep and
    customer (the region and team the entry belongs to on its day are joined where the entries
    are counted: macro funnel_in_periods).

    A table of its own, so that kpi_funnel's counts and int_funnel__stage_medians read it in
    separate queries: at 10M order lines each expands it to 123M scope × period rows, and the
    two groupings in one query did not fit 3 GiB (benchmarks/README.md).
-#}
with

stage_history as (
    select * from {{ ref('fct_opportunity_stage_history') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

as_of as (
    select max(as_of_date) as as_of_date
    from {{ ref('int_targets__periods') }}
    where is_reporting_period
        and to_date_label <> 'future'
),

history_to_date as (
    select
        stage_history.opportunity_key,
        stage_history.stage_code,
        stage_history.stage_group,
        stage_history.stage_order,
        stage_history.entered_at,
        stage_history.left_at,
        stage_history.hours_in_stage
    from stage_history
    cross join as_of
    where cast(stage_history.entered_at as date) <= as_of.as_of_date
),

furthest_progress as (
    select
        opportunity_key,
        max(case when stage_group in ('open', 'won') then stage_order end) as furthest_stage_order,
        max(case when stage_group = 'lost' then 1 else 0 end) = 1 as is_lost
    from history_to_date
    group by opportunity_key
),

stage_entries as (
    select
        history_to_date.opportunity_key,
        history_to_date.stage_code,
        history_to_date.entered_at,
        cast(history_to_date.entered_at as date) as entered_date,
        case
            when history_to_date.left_at is not null
                then cast(history_to_date.hours_in_stage as {{ kpi_type_ratio() }}) / 24
        end as days_in_stage,
        furthest_progress.furthest_stage_order > history_to_date.stage_order as is_converted,
        furthest_progress.is_lost
            and not coalesce(furthest_progress.furthest_stage_order > history_to_date.stage_order, false)
            as is_leaked,
        count(*) over (partition by history_to_date.opportunity_key, history_to_date.stage_code)
            as entries_of_stage,
        opportunities.rep_id,
        opportunities.customer_key
    from history_to_date
    inner join furthest_progress
        on furthest_progress.opportunity_key = history_to_date.opportunity_key
    left join opportunities
        on opportunities.opportunity_key = history_to_date.opportunity_key
    where history_to_date.stage_group in ('open', 'won')
)

select * from stage_entries

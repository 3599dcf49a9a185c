{#-
    The median days in stage per reporting period × scope × stage (kpi_funnel's
    median_days_in_stage): over the entries of the period that left the stage, the days between
    entering it and entering the next. Its own query, apart from kpi_funnel's counts: see
    int_funnel__stage_entries.
-#}
with

entries as (
    select * from {{ ref('int_funnel__stage_entries') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
        and to_date_label <> 'future'
),

entries_in_periods as (
    {{ funnel_in_periods('entries', 'periods') }}
),

-- percentile_cont(0.5) by counts and running sums, so that it spills (macro median_by)
stage_medians as (
    {{ median_by('entries_in_periods', ['period_grain', 'period_start', 'scope_type', 'scope_id', 'stage_code'],
                 'days_in_stage', 'median_days_in_stage') }}
)

select * from stage_medians

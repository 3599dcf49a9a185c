{#-
    The days each rep worked: one row per rep × calendar day on which the roster (dim_rep) assigns
    the rep to a region, from the assignment's valid_from to its valid_to (the leave date at the
    latest), with the region, team, the periods holding the day, whether it is a working day and
    whether it is on or before the as-of date. The one place that says when a rep was active:
    rep shares of targets are pro-rated by it, per-day rates divide by it (KPI_DEFINITIONS
    "Calls per rep per working day": the working days the rep actually worked).
-#}
with

reps as (
    select * from {{ ref('dim_rep') }}
    where region_code is not null
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

final as (
    select
        reps.rep_id,
        reps.region_code,
        reps.team,
        calendar.date_day,
        calendar.month_start,
        calendar.quarter_start,
        calendar.year_start,
        calendar.is_working_day,
        calendar.date_day <= calendar.as_of_date as is_elapsed
    from calendar
    inner join reps
        on calendar.date_day >= reps.valid_from
        and (reps.valid_to is null or calendar.date_day <= reps.valid_to)
)

select * from final

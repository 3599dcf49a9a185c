{#- The day calendar MetricFlow joins metrics to (dbt ≥ 1.9 time-spine contract), spanning the
    same dates as dim_date (vars date_spine_start .. date_spine_end). -#}
{{ config(materialized='table') }}

with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('date_spine_start') ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ var('date_spine_end') ~ "' as date)")
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final

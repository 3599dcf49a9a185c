{#- One row per calendar month of the dim_date range (vars date_spine_start / date_spine_end). -#}
with

month_spine as (
    {{ dbt.date_spine(
        'month',
        "cast('" ~ var('date_spine_start') ~ "' as date)",
        "cast('" ~ var('date_spine_end') ~ "' as date)"
    ) }}
),

final as (
    select cast(date_month as date) as month_start
    from month_spine
)

select * from final

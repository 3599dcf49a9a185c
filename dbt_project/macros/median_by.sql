{#-
    The median of `value` per group of `keys` over `relation` (a ref or a CTE name), exactly as
    percentile_cont(0.5) within group (order by value): nulls ignored, the mean of the two middle
    values when their number is even; a group whose values are all null has no row (left join it).

    Why not percentile_cont: it is a holistic aggregate that holds every value of a group in
    memory, outside what the engine can spill. Over millions of rows, beside a large aggregate
    that does spill, DuckDB 2.0 then wrote tens of GB of temporary files for kpi_funnel (issue 13,
    benchmarks/README.md). Here the values are counted per group and distinct value (a plain
    aggregate), and the middle ones found by running sums (a window over the counted rows):
    both spill, and both are portable SQL.
-#}
{% macro median_by(relation, keys, value, alias) -%}
    {%- set key_list = keys | join(', ') -%}
    select
        {{ key_list }},
        -- interpolated as DuckDB's percentile_cont does, to the last bit
        lower_value * (1 - fraction) + upper_value * fraction as {{ alias }}
    from (
        select
            {{ key_list }},
            min(case when values_up_to > floor(middle) then median_value end) as lower_value,
            min(case when values_up_to > ceiling(middle) then median_value end) as upper_value,
            max(middle - floor(middle)) as fraction
        from (
            select
                value_counts.*,
                sum(value_count) over (
                    partition by {{ key_list }} order by median_value rows between unbounded preceding and current row
                ) as values_up_to,
                (sum(value_count) over (partition by {{ key_list }}) - 1) / 2.0 as middle
            from (
                select {{ key_list }}, {{ value }} as median_value, count(*) as value_count
                from {{ relation }}
                where {{ value }} is not null
                group by {{ key_list }}, {{ value }}
            ) as value_counts
        ) as running_counts
        group by {{ key_list }}
    ) as middle_values
{%- endmacro %}

{#- `value` rounded to a whole number so that the rounded values of each `partition_by` group still
    sum to the group's rounded total (largest-remainder method): every value is floored, then the
    values with the largest fractional parts (ties: `order_by`) get one more until the total is met.
    `value` must be a column (not a window expression). -#}
{% macro largest_remainder(value, partition_by, order_by) -%}
    (floor({{ value }})
        + case when row_number() over (
                partition by {{ partition_by }}
                order by {{ value }} - floor({{ value }}) desc, {{ order_by }}
            ) <= round(sum({{ value }}) over (partition by {{ partition_by }}))
                - sum(floor({{ value }})) over (partition by {{ partition_by }})
            then 1 else 0 end)
{%- endmacro %}

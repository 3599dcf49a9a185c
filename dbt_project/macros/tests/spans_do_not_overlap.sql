{#- A model-level test: within each `partition_by`, no span [span_start, span_end] (inclusive
    days) starts on or before the end of the span before it. What makes a view that expands the
    spans to days unique by partition × day, checked on the spans (a sort), not on the days. -#}
{% test spans_do_not_overlap(model, partition_by, span_start, span_end) %}

with ordered as (
    select
        {{ partition_by }} as span_partition,
        {{ span_start }} as span_start,
        {{ span_end }} as span_end,
        lag({{ span_end }}) over (partition by {{ partition_by }} order by {{ span_start }}, {{ span_end }})
            as previous_span_end
    from {{ model }}
)

select *
from ordered
where span_start <= previous_span_end
    or span_end < span_start

{% endtest %}

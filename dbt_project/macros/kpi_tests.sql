{#-
    A model-level test: `columns` form the primary key — none of them null, no two rows alike.
    Failing rows are the offending key values with how many rows carry them.
-#}
{% test kpi_primary_key(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
    or {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}

{#-
    Property of an additive figure: the rows of scope_type `child` add up to the row of their
    parent scope (`parent`, matched by parent_column, or the single parent row when parent_column
    is none) for every value of `by` (period, metric …), within `tolerance`. Failing rows: the
    group with the parent's value and the children's sum.
-#}
{% test kpi_children_sum_to_parent(model, column_name, by, child='region', parent='company', parent_column=none, tolerance=0.01) %}

with

children as (
    select
        {% for column in by %}{{ column }}, {% endfor %}
        {{ parent_column if parent_column else "'" ~ parent ~ "'" }} as parent_id,
        sum({{ column_name }}) as children_sum
    from {{ model }}
    where scope_type = '{{ child }}'
    group by {% for column in by %}{{ column }}, {% endfor %}{{ parent_column if parent_column else "'" ~ parent ~ "'" }}
),

parents as (
    select
        {% for column in by %}{{ column }}, {% endfor %}
        scope_id as parent_id,
        {{ column_name }} as parent_value
    from {{ model }}
    where scope_type = '{{ parent }}'
)

select
    {% for column in by %}coalesce(parents.{{ column }}, children.{{ column }}) as {{ column }}, {% endfor %}
    coalesce(parents.parent_id, children.parent_id) as parent_id,
    parents.parent_value,
    children.children_sum
from parents
full outer join children
    on {% for column in by %}parents.{{ column }} = children.{{ column }} and {% endfor %}parents.parent_id = children.parent_id
where abs(coalesce(parents.parent_value, 0) - coalesce(children.children_sum, 0)) > {{ tolerance }}

{% endtest %}

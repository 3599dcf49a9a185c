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

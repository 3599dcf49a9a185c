{#-
    Every row resolved `column_name` (a code mapped through a seed, an FX rate, a rep…).
    Failing rows are the distinct `from_columns` values that did not resolve, with a row count.
    When the test runs as an error, it stops with a message that names those values and says how
    to fix it (config meta `fix`), so the nightly log reads "stage_code did not resolve for (source_stage='意向客户')" rather than
    "Got 1 result". Use the standard `where` config to skip rows with nothing to map.
-#}
{% test mapped(model, column_name, from_columns) %}

{%- set fix = (config.get('meta') or {}).get('fix', '') -%}

{%- set failures_sql -%}
    select
        {{ from_columns | join(', ') }},
        count(*) as unresolved_rows
    from {{ model }}
    where {{ column_name }} is null
    group by {{ from_columns | join(', ') }}
{%- endset -%}

{{- raise_naming_failures(failures_sql, from_columns, 'rows', model.identifier ~ '.' ~ column_name ~ ' did not resolve for',
                         fix, config.get('severity', 'error')) -}}

{{ failures_sql }}

{% endtest %}

{#-
    Every value of `column_name` (a share) is at most `max_share`. Failing rows are the distinct
    `describe_columns` values; run as an error, the test stops with a message naming them, as
    `mapped` does, so the nightly log says which month and which records rather than "Got 2 results".
-#}
{% test within_share(model, column_name, max_share, describe_columns) %}

{%- set failures_sql -%}
    select {{ describe_columns | join(', ') }}, max({{ column_name }}) as share
    from {{ model }}
    where {{ column_name }} > {{ max_share }}
    group by {{ describe_columns | join(', ') }}
{%- endset -%}

{{- raise_naming_failures(failures_sql, describe_columns, 'share',
                         model.identifier ~ '.' ~ column_name ~ ' above ' ~ max_share ~ ' for',
                         (config.get('meta') or {}).get('fix', ''), config.get('severity', 'error')) -}}

{{ failures_sql }}

{% endtest %}

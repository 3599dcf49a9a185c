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

{%- if execute and flags.WHICH in ('build', 'test', 'retry') and config.get('severity', 'error') | lower == 'error' -%}
    {%- set failures = run_query(failures_sql ~ ' order by share desc limit 20') -%}
    {%- if failures and failures.rows | length > 0 -%}
        {%- set described = [] -%}
        {%- for row in failures.rows -%}
            {%- set parts = [] -%}
            {%- for name in describe_columns -%}
                {%- do parts.append(name ~ "='" ~ row[loop.index0] ~ "'") -%}
            {%- endfor -%}
            {%- do described.append('(' ~ parts | join(', ') ~ ', share=' ~ row[describe_columns | length] ~ ')') -%}
        {%- endfor -%}
        {%- do exceptions.raise_compiler_error(
            model.identifier ~ '.' ~ column_name ~ ' above ' ~ max_share ~ ' for ' ~ described | join('; ')
            ~ ('. ' ~ config.get('meta', {}).get('fix', '') if config.get('meta', {}).get('fix') else '')
        ) -%}
    {%- endif -%}
{%- endif -%}

{{ failures_sql }}

{% endtest %}

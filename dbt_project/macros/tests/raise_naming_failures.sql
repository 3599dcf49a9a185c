{#-
    For a test run as an error: stop with a message that names the failing values instead of
    "Got N results". `failures_sql` returns `columns` then one figure (a count, a share) labelled
    `figure`; `lead` starts the message (model.column and what went wrong), `fix` ends it.
-#}
{% macro raise_naming_failures(failures_sql, columns, figure, lead, fix, severity) %}
    {%- if execute and flags.WHICH in ('build', 'test', 'retry') and severity | lower == 'error' -%}
        {%- set failures = run_query(failures_sql ~ ' order by ' ~ (columns | length + 1) ~ ' desc limit 20') -%}
        {%- if failures and failures.rows | length > 0 -%}
            {%- set described = [] -%}
            {%- for row in failures.rows -%}
                {%- set parts = [] -%}
                {%- for name in columns -%}
                    {%- do parts.append(name ~ "='" ~ row[loop.index0] ~ "'") -%}
                {%- endfor -%}
                {%- do described.append('(' ~ parts | join(', ') ~ ', ' ~ figure ~ '=' ~ row[columns | length] ~ ')') -%}
            {%- endfor -%}
            {%- do exceptions.raise_compiler_error(lead ~ ' ' ~ described | join('; ') ~ ('. Fix: ' ~ fix if fix else '')) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#-
    Periods in the management sheets are written 2025, 2025-Q1 / 2025Q1 / 2025 Q1, 2025-03 or
    2025/3. period_grain returns year | quarter | month (null when unreadable, which a test
    reports); period_start the first day of that period.
-#}
{% macro period_grain(expression) -%}
    {%- set p = "replace(replace(upper(trim(" ~ expression ~ ")), ' ', ''), '/', '-')" -%}
    case
        when length({{ p }}) = 4 and {{ dbt.safe_cast(p, dbt.type_int()) }} is not null then 'year'
        when {{ p }} like '____-Q_' or {{ p }} like '____Q_' then 'quarter'
        when ({{ p }} like '____-__' or {{ p }} like '____-_')
            and {{ dbt.safe_cast(dbt.split_part(p, "'-'", 2), dbt.type_int()) }} between 1 and 12
            then 'month'
    end
{%- endmacro %}

{% macro period_start(expression) -%}
    {%- set p = "replace(replace(upper(trim(" ~ expression ~ ")), ' ', ''), '/', '-')" -%}
    {%- set year_start = dbt.safe_cast(dbt.concat(["left(" ~ p ~ ", 4)", "'-01-01'"]), "date") -%}
    case {{ period_grain(expression) }}
        when 'year' then {{ year_start }}
        when 'quarter' then cast({{ dbt.dateadd('month', '3 * (' ~ dbt.safe_cast(dbt.right(p, 1), dbt.type_int()) ~ ' - 1)', year_start) }} as date)
        when 'month' then cast({{ dbt.dateadd('month', dbt.safe_cast(dbt.split_part(p, "'-'", 2), dbt.type_int()) ~ ' - 1', year_start) }} as date)
    end
{%- endmacro %}

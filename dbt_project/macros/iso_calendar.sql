{#-
    ISO 8601 calendar parts of a date: day of week (1 = Monday … 7 = Sunday), week-numbering
    year and week (1–53). The default__ versions use only dbt's cross-database macros (from a
    known Monday, 1900-01-01, and the Thursday of the date's week, which fixes its ISO year);
    DuckDB has them built in.
-#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    (mod({{ dbt.datediff("cast('1900-01-01' as date)", date_expression, 'day') }}, 7) + 1)
{%- endmacro %}

{% macro duckdb__iso_day_of_week(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{#- The Thursday of the date's ISO week. -#}
{% macro iso_week_thursday(date_expression) -%}
    cast({{ dbt.dateadd('day', '4 - ' ~ iso_day_of_week(date_expression), date_expression) }} as date)
{%- endmacro %}

{% macro iso_year(date_expression) -%}
    {{ return(adapter.dispatch('iso_year')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_year(date_expression) -%}
    extract(year from {{ iso_week_thursday(date_expression) }})
{%- endmacro %}

{% macro duckdb__iso_year(date_expression) -%}
    extract(isoyear from {{ date_expression }})
{%- endmacro %}

{% macro iso_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_week')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week(date_expression) -%}
    {%- set thursday = iso_week_thursday(date_expression) -%}
    (floor({{ dbt.datediff(dbt.date_trunc('year', thursday), thursday, 'day') }} / 7) + 1)
{%- endmacro %}

{% macro duckdb__iso_week(date_expression) -%}
    extract(week from {{ date_expression }})
{%- endmacro %}

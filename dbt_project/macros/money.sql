{#- Stored money keeps 4 decimals (KPI_DEFINITIONS: decimal(18,4)); compute wide, then cast. -#}
{% macro to_money(expression) -%}
    cast({{ expression }} as decimal(18, 4))
{%- endmacro %}

{#- Operands widened before multiplying: DuckDB sizes decimal(18,x) × decimal(18,y) at width 18. -#}
{% macro to_wide_decimal(expression, scale=10) -%}
    cast({{ expression }} as decimal(38, {{ scale }}))
{%- endmacro %}

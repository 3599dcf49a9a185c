{#-
    Parameters of the KPI marts (../shared/KPI_DEFINITIONS.md). Each is a dbt var named
    `kpi_<name>`; the default below applies when the var is not set (`--vars` or dbt_project.yml).
    Every model that uses one documents it in its YAML (meta.parameters).
-#}
{% macro kpi_param(name) -%}
    {%- set defaults = {
        'segment_window_months': 12,
        'segment_high_value_share': 0.20,
        'segment_at_risk_days': 180,
        'segment_lost_days': 365,
        'segment_potential_factor': 0.20,
        'churn_horizon_days': 365,
        'target_growth_floor': -0.20,
        'target_growth_ceiling': 0.50,
        'target_mismatch_tolerance': 0.01,
        'target_min_history_months': 6,
        'count_target_metrics': ['orders', 'new_customers', 'calls', 'visits'],
        'quote_response_target_hours': 4,
        'additive_target_metrics': ['revenue', 'volume', 'orders', 'new_customers', 'collections', 'calls', 'visits'],
    } -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error('kpi_param: unknown parameter ' ~ name) }}
    {%- endif -%}
    {{- return(var('kpi_' ~ name, defaults[name])) -}}
{%- endmacro %}

{#- The as-of date (KPI_DEFINITIONS "Periods": the newest date loaded, unless given): var
    `as_of_date` when the run gives one, else the newest fact date of any kind — each of
    `date_columns`, a list of (relation, date column). A payment dated the day after the last order
    counts: collections of that day are not dropped. -#}
{% macro kpi_as_of_date(date_columns) -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        greatest(
            {%- for relation, column in date_columns %}
            coalesce((select max({{ column }}) from {{ relation }}), cast('0001-01-01' as date)){% if not loop.last %},{% endif %}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The as-of date of the marts: var as_of_date, else the newest order, payment or activity date
    (int_targets__calendar for the KPI marts, fct_pipeline_spans for its last day). -#}
{% macro reporting_as_of_date() -%}
    {{ kpi_as_of_date([
        (ref('fct_orders'), 'order_date'),
        (ref('fct_payments'), 'payment_date'),
        (ref('fct_activities'), 'activity_date'),
    ]) }}
{%- endmacro %}

{#- Ratios (attainment, rates, shares) are stored as double-precision fractions. dbt has no
    cross-database double type (type_float is 4-byte FLOAT on DuckDB), hence this one. -#}
{% macro kpi_type_ratio() -%}
    {{ return(adapter.dispatch('kpi_type_ratio')()) }}
{%- endmacro %}

{% macro default__kpi_type_ratio() -%}
    double precision
{%- endmacro %}

{% macro duckdb__kpi_type_ratio() -%}
    double
{%- endmacro %}

{% macro spark__kpi_type_ratio() -%}
    double
{%- endmacro %}

{#- numerator / denominator as a ratio, null (never infinite) when the denominator is zero or missing. -#}
{% macro kpi_ratio(numerator, denominator) -%}
    case when ({{ denominator }}) <> 0
        then cast({{ numerator }} as {{ kpi_type_ratio() }}) / ({{ denominator }}) end
{%- endmacro %}

{#- An actual against a reference (KPI_DEFINITIONS "Benchmarking"): for a rate KPI the difference in
    percentage points, as a fraction (0.05 = 5 points); for any other KPI the ratio actual / reference.
    `is_rate` is a SQL boolean expression. -#}
{% macro kpi_compare(actual, reference, is_rate) -%}
    case when {{ is_rate }} then cast({{ actual }} as {{ kpi_type_ratio() }}) - ({{ reference }})
        else {{ kpi_ratio(actual, reference) }} end
{%- endmacro %}

{#- A SQL list literal of strings: ('a', 'b'). -#}
{% macro kpi_sql_list(values) -%}
    ({% for value in values %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

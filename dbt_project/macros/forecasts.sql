{#-
    The forecast formulas of KPI_DEFINITIONS ("Targets and evaluation", "Opportunities and funnel"),
    in one place for kpi_attainment, kpi_pipeline_forecast and kpi_forecast_accuracy:

        run_rate_forecast   actual × days in period / days elapsed (null before anything elapsed)
        seasonal_forecast   actual × (last year's whole period / last year over the same days), the
                            seasonal run-rate; the linear run-rate where last year has nothing there
        forecast_error_pct  |forecast − actual| / actual: the error as a share of the actual
        forecast_bias_pct   (forecast − actual) / actual: above 0 the forecast was too high
    Both errors are null when the forecast or the actual is unknown, or the actual is zero.
    Forecasts are computed in double on every engine: DuckDB divides decimals in double, Spark
    would round a decimal quotient to 6 places, and the two would differ past the 8th digit.
-#}
{% macro run_rate_forecast(actual, days_in_period, days_elapsed) -%}
    case when {{ days_elapsed }} > 0 then cast({{ actual }} as {{ kpi_type_ratio() }}) * {{ days_in_period }} / {{ days_elapsed }} end
{%- endmacro %}

{% macro seasonal_forecast(actual, last_year, last_year_to_date, run_rate) -%}
    case when {{ last_year_to_date }} > 0 then cast({{ actual }} as {{ kpi_type_ratio() }}) * {{ last_year }} / {{ last_year_to_date }} else {{ run_rate }} end
{%- endmacro %}

{% macro forecast_error_pct(forecast, actual) -%}
    case when {{ actual }} <> 0
        then abs(cast({{ forecast }} as {{ kpi_type_ratio() }}) - {{ actual }}) / {{ actual }} end
{%- endmacro %}

{% macro forecast_bias_pct(forecast, actual) -%}
    case when {{ actual }} <> 0
        then (cast({{ forecast }} as {{ kpi_type_ratio() }}) - {{ actual }}) / {{ actual }} end
{%- endmacro %}

{#- Weighted amount = amount × win probability (KPI_DEFINITIONS "weighted pipeline"), as money. -#}
{% macro weighted_amount(amount, probability) -%}
    {{ to_money(to_wide_decimal(amount, 4) ~ ' * ' ~ probability) }}
{%- endmacro %}

{#- The first day the pipeline history is known (fct_pipeline_spans, kpi_forecast_accuracy): var
    pipeline_history_start when given (the day from which the raw zone holds every opportunity),
    else the first state any opportunity has in int_opportunity_states (`states`). -#}
{% macro pipeline_history_start(states) -%}
    {%- if var('pipeline_history_start', none) -%}
        cast('{{ var("pipeline_history_start") }}' as date)
    {%- else -%}
        (select min(valid_from) from {{ states }})
    {%- endif -%}
{%- endmacro %}

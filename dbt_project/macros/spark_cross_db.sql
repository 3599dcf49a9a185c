{#-
    dbt-spark's own versions of two cross-database macros, replaced for this project:
    - dateadd: dbt-spark goes through unix seconds and to_timestamp, which yields null with
      spark.sql.timestampType = TIMESTAMP_NTZ (profiles.yml: the raw zone's naive local
      date-times, as DuckDB's timestamp). timestampadd adds calendar units as DuckDB does
      (a month from Jan 31 is Feb 28/29) and returns a timestamp like DuckDB's date + interval.
    - current_timestamp (the snapshots' dbt_valid_from / dbt_updated_at): localtimestamp, the
      session time zone's wall-clock time without zone, as DuckDB's with TimeZone set; Spark's
      current_timestamp() is a TIMESTAMP_LTZ, which no contract `timestamp` column accepts.
    - listagg: dbt-spark drops the order by (a warning) and so gives the values in any order;
      Spark 4 has listagg … within group (order by …).
-#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, cast({{ from_date_or_timestamp }} as timestamp))
{%- endmacro %}

{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg: limit_num is not supported on Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{% macro spark__current_timestamp() -%}
    localtimestamp()
{%- endmacro %}

{#-
    Every custom-field value that var pass_through_columns carries to `mart` casts to the type the
    setting declares. A value that does not is published as null (pass_through_select casts with
    cast_or_null), so this test, attached to the model the mart reads `extra` from, counts those
    values: failing rows name the source, the column, its type and the value, with a row count, and
    `salesdw build` prints them as a warning. With no pass-through columns it selects nothing.
-#}
{% test pass_through_casts(model, mart, extra='extra', source_system='source_system') %}

{%- set columns = pass_through_settings(mart) -%}

{%- set failures_sql -%}
    {%- for column in columns %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ source_system }} as source_system,
        '{{ column.name }}' as pass_through_column,
        '{{ column.data_type }}' as data_type,
        raw_value,
        count(*) as uncast_rows
    from (
        select {{ source_system }}, {{ pass_through_value(column, extra, source_system) }} as raw_value
        from {{ model }}
    ) as custom_values
    where trim(raw_value) <> '' and {{ cast_or_null('raw_value', column.data_type) }} is null
    group by {{ source_system }}, raw_value
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as pass_through_column,
        cast(null as {{ dbt.type_string() }}) as data_type,
        cast(null as {{ dbt.type_string() }}) as raw_value,
        0 as uncast_rows
    where 1 = 0
    {%- endfor %}
{%- endset -%}

{{- raise_naming_failures(failures_sql, ['source_system', 'pass_through_column', 'data_type', 'raw_value'], 'rows',
                         mart ~ ' custom fields published as null, their values do not cast for',
                         (config.get('meta') or {}).get('fix', ''), config.get('severity', 'error')) -}}

{{ failures_sql }}

{% endtest %}

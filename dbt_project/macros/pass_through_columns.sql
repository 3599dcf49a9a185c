{#-
    Custom CRM fields carried to the marts, like Fivetran's pass_through_columns: var
    pass_through_columns (dbt_project.yml, or --vars) names, per mart, the columns to add, their
    type and, per source, the export header whose value each takes. The value comes from the raw
    rows' `_extra` (the JSON object of the columns a profile or mapping does not map), carried by
    staging and intermediate models as `extra`:

        pass_through_columns:
          dim_customer:
            - name: industry_segment
              data_type: string
              description: Industry segment (纷享销客 行业细分, Salesforce Industry_Segment__c).
              headers: {fxiaoke: 行业细分, salesforce: Industry_Segment__c}

    One setting, two uses: pass_through_select adds the columns to the mart's select, and the
    marts' enforced contracts take the same columns (pass_through_contract, called by the
    contract check below), so a contract always equals its model. A value that does not cast to
    the type is published as null (cast_or_null) and counted: test pass_through_casts warns with
    each such value. Marts that take them: dim_customer, fct_opportunities, fct_order_lines.
-#}
{% macro pass_through_settings(mart) -%}
    {{ return(var('pass_through_columns', {}).get(mart, [])) }}
{%- endmacro %}

{#- The mart's pass-through columns, each after a comma: put it after the last column of the select. -#}
{% macro pass_through_select(mart, extra='extra', source_system='source_system') -%}
    {%- for column in pass_through_settings(mart) %},
        {{ cast_or_null(pass_through_value(column, extra, source_system), column.data_type) }} as {{ column.name }}
    {%- endfor %}
{%- endmacro %}

{% macro pass_through_value(column, extra, source_system) -%}
    case {{ source_system }}
    {%- for source, header in column.headers.items() %}
        when '{{ source }}' then {{ json_text(extra, header) }}
    {%- endfor %}
    end
{%- endmacro %}

{#- `field` cast to `type`, null where the value does not cast (dbt.safe_cast is a plain cast,
    which stops the build on DuckDB and under Spark's ANSI mode). -#}
{% macro cast_or_null(field, type) -%}
    {{ return(adapter.dispatch('cast_or_null')(field, type)) }}
{%- endmacro %}

{% macro default__cast_or_null(field, type) -%}
    {{ dbt.safe_cast(field, type) }}
{%- endmacro %}

{% macro duckdb__cast_or_null(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__cast_or_null(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- The text of one key of a JSON object held as text. -#}
{% macro json_text(json_column, key) -%}
    {{ return(adapter.dispatch('json_text')(json_column, key)) }}
{%- endmacro %}

{% macro default__json_text(json_column, key) -%}
    get_json_object({{ json_column }}, '$.{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(json_column, key) -%}
    json_extract_string({{ json_column }}, '$."{{ key | replace("'", "''") }}"')
{%- endmacro %}

{% macro postgres__json_text(json_column, key) -%}
    (cast({{ json_column }} as json) ->> '{{ key | replace("'", "''") }}')
{%- endmacro %}

{#- The pass-through columns joined to the contract of the model being built (model['columns'],
    which dbt's contract check, create table and insert all read). A name the contract already
    has is an error: a custom field cannot replace a public column. -#}
{% macro pass_through_contract() -%}
    {%- for column in pass_through_settings(model['name']) -%}
        {%- if column.name in model['columns'] and not model['columns'][column.name].get('meta', {}).get('pass_through') -%}
            {{ exceptions.raise_compiler_error("var pass_through_columns: " ~ model['name'] ~ " already has a column " ~ column.name) }}
        {%- endif -%}
        {%- do model['columns'].update({column.name: {
            'name': column.name, 'data_type': column.data_type, 'description': column.get('description', ''),
            'constraints': [], 'quote': none, 'meta': {'pass_through': true}, 'tags': []}}) -%}
    {%- endfor -%}
{%- endmacro %}

{#- dbt's contract check (dispatched from the table materialization before the table is
    created), with the pass-through columns added to the contract first. -#}
{% macro duckdb__get_assert_columns_equivalent(sql) -%}
    {%- do pass_through_contract() -%}
    {{ return(assert_columns_equivalent(sql)) }}
{%- endmacro %}

{% macro default__get_assert_columns_equivalent(sql) -%}
    {%- do pass_through_contract() -%}
    {{ return(assert_columns_equivalent(sql)) }}
{%- endmacro %}

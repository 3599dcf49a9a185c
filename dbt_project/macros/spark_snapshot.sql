{#-
    The snapshot on Spark without Delta / Iceberg / Hudi. dbt-spark's snapshot materialization
    (copied below from dbt-spark 1.11, macros/materializations/snapshot.sql) refuses plain Parquet
    tables because it merges. Here, with file_format delta / iceberg / hudi (var
    spark_file_format) it still merges; on Parquet the snapshot is rewritten whole, with the same
    effect as the merge: the current version of an updated or deleted record gets its
    dbt_valid_to, new versions are appended. The new content is written to a side table first
    (Spark cannot overwrite a table it reads), then inserted over the snapshot. The rewrite costs
    a pass over the snapshot per build, which a customer history (one row per version) affords.
-#}
{% macro spark_snapshot_rewritten(target, staging, columns) %}
    {%- set rewritten = api.Relation.create(identifier=target.identifier ~ '__dbt_rewritten',
                                             schema=target.schema, database=none, type='table') -%}
    {%- set target_columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    {%- set valid_to = columns.dbt_valid_to -%}
    {%- set scd_id = columns.dbt_scd_id -%}
    {%- set current_version -%}
        {%- if config.get('dbt_valid_to_current') -%}
            (existing.{{ valid_to }} = {{ config.get('dbt_valid_to_current') }} or existing.{{ valid_to }} is null)
        {%- else -%}
            existing.{{ valid_to }} is null
        {%- endif -%}
    {%- endset -%}
    {%- set new_content -%}
        select
        {%- for column in target_columns %}
            {% if column == valid_to -%}
            case when closing.{{ scd_id }} is not null then closing.{{ valid_to }} else existing.{{ valid_to }} end as {{ valid_to }}
            {%- else -%}
            existing.{{ adapter.quote(column) }}
            {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ target }} as existing
        left join (select * from {{ staging }} where dbt_change_type in ('update', 'delete')) as closing
            on closing.{{ scd_id }} = existing.{{ scd_id }} and {{ current_version }}
        union all
        select
        {%- for column in target_columns %}
            inserted.{{ adapter.quote(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ staging }} as inserted
        left anti join {{ target }} as existing on existing.{{ scd_id }} = inserted.{{ scd_id }}
        where inserted.dbt_change_type = 'insert'
    {%- endset -%}
    {% do adapter.drop_relation(rewritten) %}
    {% call statement('spark_snapshot_rewritten') %}
        {{ create_table_as(False, rewritten, new_content) }}
    {% endcall %}
    {{ return(rewritten) }}
{% endmacro %}


{% materialization snapshot, adapter='spark' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}

  {%- set strategy_name = config.get('strategy') -%}
  {%- set unique_key = config.get('unique_key') %}
  {%- set file_format = config.get('file_format') or 'parquet' -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {%- set merges = file_format in ['delta', 'iceberg', 'hudi'] -%}
  {%- if target_relation_exists and merges -%}
    {%- if not target_relation.is_delta and not target_relation.is_iceberg and not target_relation.is_hudi -%}
      {% set invalid_format_msg -%}
        The existing table {{ model.schema }}.{{ target_table }} is in another format than 'delta' or 'iceberg' or 'hudi'
      {%- endset %}
      {% do exceptions.raise_compiler_error(invalid_format_msg) %}
    {% endif %}
  {% endif %}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}

      {{ adapter.valid_snapshot_target(target_relation, columns) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

      -- this may no-op if the database does not require column expansion
      {% do adapter.expand_target_column_types(from_relation=staging_table,
                                               to_relation=target_relation) %}

      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% do create_columns(target_relation, missing_columns) %}

      {% set source_columns = adapter.get_columns_in_relation(staging_table)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% set quoted_source_columns = [] %}
      {% for column in source_columns %}
        {% do quoted_source_columns.append(adapter.quote(column.name)) %}
      {% endfor %}

      {% if merges %}
      {% set final_sql = snapshot_merge_sql(
            target = target_relation,
            source = staging_table,
            insert_cols = quoted_source_columns
         )
      %}
      {% else %}
      {% set rewritten = spark_snapshot_rewritten(target_relation, staging_table, columns) %}
      {% set final_sql = 'insert overwrite table ' ~ target_relation ~ ' select * from ' ~ rewritten %}
      {% endif %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
  {% endif %}
  {% if rewritten is defined %}
      {% do adapter.drop_relation(rewritten) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}

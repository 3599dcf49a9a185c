{#- The columns every Fxiaoke object exports (负责人, 创建时间, 生命状态 …), renamed once. -#}
{% macro fxiaoke_common_columns() -%}
        data_id,
        owner as owner_name,
        owner_department,
        created_by,
        created_time as created_at,
        last_modified_by,
        last_modified_time as modified_at,
        life_status,
        lock_status,
        record_type,
        is_deleted,
        _loaded_at as loaded_at,
        _load_id as load_id
{%- endmacro %}

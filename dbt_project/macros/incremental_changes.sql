{#-
    What an incremental fact rewrites (delete+insert by partition_key: an order, an opportunity,
    an activity), so that the table ends up identical to a full refresh:
    - partitions with a row loaded since the newest load already in the table (loaded_at: a new
      or late-arriving version of the record, whose newest version staging picks by modified
      time), and
    - partitions with a row that is new, or whose resolved_columns — the values that come from
      other records or seeds (customer, rep and region on the date, FX rate, mapped codes) —
      differ from the stored row: a roster, FX sheet, customer export or mapping edit changes
      old facts without reloading them.
    Rows gone from upstream are deleted by the model's post-hook.
    `upstream` is the name of a CTE (or relation) with the model's rows before the final casts.
-#}
{% macro incremental_watermark(column='loaded_at') -%}
    (select coalesce(max({{ column }}), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})) from {{ this }})
{%- endmacro %}

{% macro changed_partitions(upstream, partition_key, row_key, resolved_columns, loaded_at='loaded_at') -%}
    select {{ partition_key }}
    from {{ upstream }}
    where {{ loaded_at }} > {{ incremental_watermark(loaded_at) }}
    union
    select upstream_rows.{{ partition_key }}
    from {{ upstream }} as upstream_rows
    left join {{ this }} as existing_rows
        on upstream_rows.{{ row_key }} = existing_rows.{{ row_key }}
    where existing_rows.{{ row_key }} is null
    {%- for column in resolved_columns %}
        or upstream_rows.{{ column }} <> existing_rows.{{ column }}
        or (upstream_rows.{{ column }} is null) <> (existing_rows.{{ column }} is null)
    {%- endfor %}
{%- endmacro %}

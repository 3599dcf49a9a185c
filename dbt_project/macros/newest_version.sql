{#-
    The newest version of each record of a raw entity, with deletions flagged.

    The raw zone is append-only: every load of a record adds a row. The newest version is the one
    with the latest `modified_at`, then the latest `_load_id`. With keep='load' (line items, whose
    set is replaced as a whole) every row of the load holding the newest version is kept, so a line
    removed from an order disappears with the next load of that order.

    is_deleted: the record is missing from the newest full-export batch of its entity
    (`_is_full_export`, `_batch_id`) and was not loaded again after that batch began. With
    scope (a column, e.g. '_source_system' for the canonical CRM sources that share one relation)
    the newest full batch is each scope's own: a full HubSpot export deletes no Salesforce record.
-#}
{% macro newest_version(relation, key_columns, modified_at=none, keep='row', scope=none) %}
{%- set key = key_columns | join(', ') -%}
{%- set modified = modified_at if modified_at else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' -%}
select *
from (
    select
        versions.*,
        {% if keep == 'load' -%}
        dense_rank() over (
            partition by {{ key }}
            order by versions._load_modified_at desc nulls last, versions._load_id desc
        ) as _version_rank,
        {%- else -%}
        row_number() over (
            partition by {{ key }}
            order by {{ modified }} desc nulls last, versions._load_id desc, versions._source_row desc
        ) as _version_rank,
        {%- endif %}
        coalesce(
            newest_full_batch.first_load_id is not null
            and max(case when versions._batch_id = newest_full_batch._batch_id then 1 else 0 end)
                over (partition by {{ key }}) = 0
            and max(versions._load_id) over (partition by {{ key }}) < newest_full_batch.first_load_id,
            false
        ) as is_deleted
    from (
        select
            rows_loaded.*,
            max({{ modified }}) over (partition by {{ key }}, rows_loaded._load_id) as _load_modified_at
        from {{ relation }} as rows_loaded
    ) as versions
    {% if scope -%}
    left join (
        select {{ scope }} as batch_scope, _batch_id, first_load_id
        from (
            select
                {{ scope }},
                _batch_id,
                min(_load_id) as first_load_id,
                row_number() over (partition by {{ scope }} order by max(_loaded_at) desc, max(_load_id) desc) as batch_rank
            from {{ relation }}
            where _is_full_export
            group by {{ scope }}, _batch_id
        ) as full_batches
        where batch_rank = 1
    ) as newest_full_batch
        on newest_full_batch.batch_scope = versions.{{ scope }}
    {%- else -%}
    left join (
        select _batch_id, min(_load_id) as first_load_id
        from {{ relation }}
        where _is_full_export
        group by _batch_id
        order by max(_loaded_at) desc, max(_load_id) desc
        limit 1
    ) as newest_full_batch
        on 1 = 1
    {%- endif %}
) as ranked
where _version_rank = 1
{% endmacro %}

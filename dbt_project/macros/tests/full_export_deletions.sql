{#-
    The mass-deletion guard on a raw source, so that no path publishes what a truncated or
    filtered "full" export would delete (build, run and the Dagster UI all run dbt tests).
    Fails when the newest full-export batch deletes more than SALESDW_MAX_DELETE_SHARE
    (default 0.02) of the records live before it — the rule of macro newest_version, counted as
    ingestion/deletions.py counts it at ingest — unless the ledger says the user accepted it
    (`salesdw ingest --full --accept-deletions`).
-#}
{% test full_export_deletions(model, key_columns) %}

{%- set key = key_columns | join(', ') -%}
{%- set share = env_var('SALESDW_MAX_DELETE_SHARE', '0.02') -%}
{%- set accepted = accepted_deletion_batches() %}

with

rows_loaded as (
    select {{ key }}, _batch_id, _load_id, _loaded_at, _is_full_export
    from {{ model }}
),

full_batches as (
    select _batch_id, min(_load_id) as first_load_id, max(_load_id) as last_load_id, max(_loaded_at) as last_loaded_at
    from rows_loaded
    where _is_full_export
    group by _batch_id
),

newest_full as (
    select * from full_batches
    order by last_loaded_at desc, last_load_id desc
    limit 1
),

previous_full as (
    select full_batches.*
    from full_batches
    inner join newest_full on full_batches._batch_id <> newest_full._batch_id
    order by full_batches.last_loaded_at desc, full_batches.last_load_id desc
    limit 1
),

per_record as (
    select
        max(case when rows_loaded._load_id < newest_full.first_load_id then rows_loaded._load_id end) as last_load_before,
        coalesce(bool_or(rows_loaded._batch_id = previous_full._batch_id), false) as in_previous_full,
        max(rows_loaded._load_id) as last_load_id,
        max(newest_full.first_load_id) as newest_first_load_id,
        max(previous_full.first_load_id) as previous_first_load_id,
        max(previous_full._batch_id) as previous_batch_id
    from rows_loaded
    inner join newest_full on true
    left join previous_full on true
    group by {{ key }}
),

live_before as (
    select * from per_record
    where last_load_before is not null
        and (previous_batch_id is null or in_previous_full or last_load_before >= previous_first_load_id)
),

counted as (
    select
        count(*) filter (where last_load_id < newest_first_load_id) as deleted_records,
        count(*) as live_records
    from live_before
)

select
    newest_full._batch_id as full_export_batch,
    counted.deleted_records,
    counted.live_records
from counted
inner join newest_full on true
where counted.deleted_records > {{ share }} * counted.live_records
{%- if accepted %}
    and newest_full._batch_id not in ({{ accepted | join(', ') }})
{%- endif %}

{% endtest %}

{#-
    One row per stage an opportunity entered, with the time it left it (entered_at, left_at;
    left_at null while it is the current stage): stage conversion and time in stage. From the
    CRM's stage history export where there is one, else derived from successive raw versions of
    the opportunity (history_origin; see int_opportunity_stage_history).

    Incremental (macro changed_partitions, delete+insert by opportunity_key): all stages of every
    opportunity with history or versions loaded since the newest row here (a new stage closes
    the previous one), plus those whose mapped stage changed; the post-hook drops rows that are
    gone. Full refresh: dbt build --full-refresh --select fct_opportunity_stage_history+
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    unique_key='opportunity_key',
    on_schema_change='fail',
    post_hook="{{ delete_gone_rows('stage_change_key', ref('int_opportunity_stage_history')) }}"
) }}

with

stage_history as (
    select * from {{ ref('int_opportunity_stage_history') }}
),

{% if is_incremental() and incremental_by_key() %}
changed_opportunities as (
    {{ changed_partitions('stage_history', 'opportunity_key', 'stage_change_key', [
        'stage_code', 'stage_group', 'stage_order', 'stage_sequence', 'left_at'
    ]) }}
),
{% endif %}

final as (
    select
        stage_change_key,
        opportunity_key,
        source_system,
        opportunity_id,
        source_stage,
        stage_code,
        stage_group,
        cast(stage_order as integer) as stage_order,
        cast(stage_sequence as integer) as stage_sequence,
        entered_at,
        left_at,
        is_current_stage,
        cast(hours_in_stage as decimal(18, 4)) as hours_in_stage,
        changed_by,
        history_origin,
        loaded_at
    from stage_history
    {% if is_incremental() and incremental_by_key() -%}
    where opportunity_key in (select opportunity_key from changed_opportunities)
    {%- endif %}
)

select * from final

{#-
    One row per sales activity (call, visit, WeChat, e-mail, internal meeting …) with the rep,
    the rep's region and team on the activity date, and the customer. Zoho meetings with
    neither a Related To record nor a Venue are internal meetings (activity_type_code
    internal_meeting), not customer visits: visit KPIs leave them out.

    Incremental like fct_order_lines (macro changed_partitions, delete+insert by activity_key):
    activities loaded since the newest row here, plus those whose customer, opportunity, rep,
    region or mapped type resolves differently now; the post-hook drops deleted activities.
    Full refresh: dbt build --full-refresh --select fct_activities+
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    unique_key='activity_key',
    on_schema_change='fail',
    post_hook="{{ delete_gone_rows('activity_key', ref('int_activities')) }}"
) }}

with

activities as (
    select * from {{ ref('int_activities') }}
),

{% if is_incremental() and incremental_by_key() %}
changed_activities as (
    {{ changed_partitions('activities', 'activity_key', 'activity_key', [
        'activity_type_code', 'customer_key', 'customer_master_key', 'opportunity_key',
        'rep_id', 'rep_key', 'region_code', 'team'
    ]) }}
),
{% endif %}

final as (
    select
        activity_key,
        source_system,
        activity_id,
        activity_type_code,
        source_type,
        activity_at,
        activity_date,
        rep_id,
        rep_key,
        region_code,
        team,
        customer_key,
        customer_master_key,
        opportunity_key,
        subject,
        call_direction,
        call_result,
        cast(duration_minutes as decimal(18, 6)) as duration_minutes,
        owner_name,
        loaded_at
    from activities
    {% if is_incremental() and incremental_by_key() -%}
    where activity_key in (select activity_key from changed_activities)
    {%- endif %}
)

select * from final

{#- One row per sales activity (call, visit, WeChat, e-mail …) with the rep, the rep's region
    and team on the activity date, and the customer. -#}
with

activities as (
    select * from {{ ref('int_activities') }}
),

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
        opportunity_key,
        subject,
        call_direction,
        call_result,
        cast(duration_minutes as decimal(18, 6)) as duration_minutes,
        owner_name
    from activities
)

select * from final

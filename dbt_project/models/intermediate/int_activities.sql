{#- Sales activities of every CRM: Zoho Calls (call) and Meetings (visit; internal_meeting when
    the meeting has neither a Related To record nor a Venue — a meeting among colleagues, not a
    customer visit), Fxiaoke 跟进记录 (电话 call, 拜访 visit, 微信 wechat, 邮件 email) and the
    activities of every canonical CRM (Salesforce Task.csv), with rep and customer resolved. A
    Zoho activity's "Related To" (a Salesforce task's WhatId) may be an account or a deal: the
    deal's customer is used then. The rep: by the owner's CRM user id where the export carries
    one, else by name (macro join_owner_rep). -#}
with

zoho_calls as (
    select * from {{ ref('stg_zoho__calls') }}
    where not is_deleted
),

zoho_meetings as (
    select * from {{ ref('stg_zoho__meetings') }}
    where not is_deleted
),

fxiaoke_activities as (
    select * from {{ ref('stg_fxiaoke__activities') }}
    where not is_deleted and not coalesce(life_status in ('作废', '已作废'), false)
),

canonical_activities as (
    select * from {{ ref('stg_crm__activities') }}
    where not is_deleted
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

rep_lookup as (
    select * from {{ ref('int_rep_lookup') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

unioned as (
    select
        'zoho' as source_system,
        call_id as activity_id,
        'calls' as source_type,
        activity_type_code,
        started_at as activity_at,
        subject,
        call_direction,
        call_result,
        duration_minutes,
        related_to as customer_name,
        related_to_id as related_record_id,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        owner_name,
        loaded_at
    from zoho_calls
    union all
    select
        'zoho',
        meeting_id,
        source_type,
        activity_type_code,
        started_at,
        title,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        {{ dbt.datediff('started_at', 'ended_at', 'minute') }},
        related_to,
        related_to_id,
        cast(null as {{ dbt.type_string() }}),
        owner_name,
        loaded_at
    from zoho_meetings
    union all
    select
        'fxiaoke',
        activity_id,
        source_type,
        activity_type_code,
        activity_at,
        content,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as decimal(18, 6)),
        customer_name,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        owner_name,
        loaded_at
    from fxiaoke_activities
    union all
    select
        source_system,
        activity_id,
        source_type,
        activity_type_code,
        activity_at,
        subject,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(duration_minutes as decimal(18, 6)),
        account_name,
        -- the opportunity (or account) it was logged against, else the account
        coalesce(opportunity_id, account_id),
        owner_id,
        owner_name,
        loaded_at
    from canonical_activities
),

resolved as (
    select
        unioned.*,
        cast(unioned.activity_at as date) as activity_date,
        coalesce(customer_by_id.customer_key, deal.customer_key, customer_by_name.customer_key) as customer_key,
        deal.opportunity_key,
        coalesce(rep_by_id.rep_id, rep_by_name.rep_id) as rep_id
    from unioned
    left join customer_lookup as customer_by_id
        on customer_by_id.source_system = unioned.source_system
        and customer_by_id.lookup_key = {{ dbt.concat(["'id:'", 'unioned.related_record_id']) }}
    left join opportunities as deal
        on deal.source_system = unioned.source_system
        and deal.opportunity_id = unioned.related_record_id
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = unioned.source_system
        and customer_by_name.lookup_key = {{ match_key('unioned.customer_name') }}
    {{ join_owner_rep('unioned') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['resolved.source_system', "'|'", 'resolved.activity_id'])) }} as activity_key,
        resolved.*,
        customer_matches.customer_master_key,
{{ attribution_columns() }}
    from resolved
    left join customer_matches
        on resolved.customer_key = customer_matches.customer_key
{{ attribution_joins('resolved', 'activity_date') }}
)

select * from final

{#-
    CRM owner → rep_id. Zoho exports name only the owner (sometimes with the user id), Fxiaoke
    the 负责人 name; the roster says which CRM user each rep is. lookup_key is 'id:<user id>' or
    the trimmed lower-case user name. The rep's own name is a fallback when the roster gives no
    CRM user name, used only while it is unambiguous.
-#}
with

roster as (
    select * from {{ ref('stg_sheets__sales_roster') }}
    where not is_deleted
),

crm_users as (
    select distinct 'zoho' as source_system, {{ dbt.concat(["'id:'", 'zoho_user_id']) }} as lookup_key, rep_id, 1 as priority
    from roster where zoho_user_id is not null
    union all
    select distinct 'zoho', {{ match_key('zoho_user') }}, rep_id, 2
    from roster where zoho_user is not null
    union all
    select distinct 'fxiaoke', {{ match_key('fxiaoke_user') }}, rep_id, 2
    from roster where fxiaoke_user is not null
),

unambiguous_rep_names as (
    select {{ match_key('rep_name') }} as lookup_key, min(rep_id) as rep_id
    from roster
    group by {{ match_key('rep_name') }}
    having count(distinct rep_id) = 1
),

rep_names as (
    select 'zoho' as source_system, lookup_key, rep_id, 3 as priority from unambiguous_rep_names
    union all
    select 'fxiaoke', lookup_key, rep_id, 3 from unambiguous_rep_names
),

candidates as (
    select * from crm_users
    union all
    select * from rep_names
),

best_priority as (
    select
        candidates.*,
        min(priority) over (partition by source_system, lookup_key) as best
    from candidates
),

final as (
    select distinct
        source_system,
        lookup_key,
        rep_id
    from best_priority
    where priority = best
)

select * from final

{#-
    CRM owner → rep_id. Zoho exports name only the owner (sometimes with the user id), Fxiaoke
    the 负责人 name; the roster says which CRM user each rep is. lookup_key is 'id:<user id>' or
    the trimmed lower-case user name. The rep's own name is a fallback when the roster gives no
    CRM user name, used only while it is unambiguous.
    A canonical CRM (Salesforce, HubSpot, var crm_sources) names owners by user id and name: its
    users (stg_crm__users) are reps by the roster's e-mail, else by the rep's name.
-#}
with

roster as (
    select * from {{ ref('stg_sheets__sales_roster') }}
    where not is_deleted
),

canonical_users as (
    select * from {{ ref('stg_crm__users') }}
    where not is_deleted
),

canonical_user_reps as (
    select canonical_users.source_system, canonical_users.user_id, canonical_users.user_name, roster.rep_id, 1 as priority
    from canonical_users
    inner join roster
        on {{ match_key('roster.email') }} = {{ match_key('canonical_users.email') }}
    union all
    select canonical_users.source_system, canonical_users.user_id, canonical_users.user_name, roster.rep_id, 2
    from canonical_users
    inner join roster
        on {{ match_key('roster.rep_name') }} = {{ match_key('canonical_users.user_name') }}
),

crm_users as (
    select distinct source_system, {{ dbt.concat(["'id:'", 'user_id']) }} as lookup_key, rep_id, priority
    from canonical_user_reps
    union all
    select distinct source_system, {{ match_key('user_name') }}, rep_id, priority
    from canonical_user_reps where user_name is not null
    union all
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
    {%- for crm in ['zoho', 'fxiaoke'] + var('crm_sources') %}
    select '{{ crm }}' as source_system, lookup_key, rep_id, 3 as priority from unambiguous_rep_names
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
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

{#- CRM users of every canonical CRM (Salesforce User.csv, HubSpot owners), newest version per
    CRM and user id: how an owner id becomes a name and an e-mail, and through the roster a rep
    (int_rep_lookup). user_name: the exported full name, else first and last name. -#}
with

source as (
    select * from {{ source('crm', 'users') }}
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'user_id'], 'modified_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        user_id,
        coalesce(
            user_name,
            nullif(trim({{ dbt.concat(["coalesce(first_name, '')", "' '", "coalesce(last_name, '')"]) }}), '')
        ) as user_name,
        email,
        is_active,
        modified_at,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed

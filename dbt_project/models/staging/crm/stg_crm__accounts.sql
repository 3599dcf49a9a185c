{#- Accounts (companies) of every canonical CRM (var crm_sources), newest version per CRM and
    account id; channel from the account type and region from the state or city, by the seeds
    Zoho accounts use. extra: the export's unmapped columns (custom fields, pass_through_columns). -#}
with

source as (
    select * from {{ source('crm', 'accounts') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
    where source_field = 'account_type'
),

region_mapping as (
    -- one row per place as matched (浙江 and 浙江省 are one place)
    select distinct {{ place_key('source_value') }} as place, region_code
    from {{ ref('region_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'account_id'], 'modified_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        account_id,
        account_name,
        account_number,
        account_type,
        industry,
        {{ to_money('annual_revenue') }} as annual_revenue,
        employees,
        phone,
        website,
        tax_id,
        city,
        state,
        country,
        owner_name,
        owner_id,
        created_at,
        modified_at,
        is_deleted or coalesce(crm_deleted, false) as is_deleted,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from newest_versions
),

mapped as (
    select
        renamed.*,
        channel_mapping.channel_code,
        coalesce(state_region.region_code, city_region.region_code) as region_code
    from renamed
    left join channel_mapping
        on channel_mapping.source_system = renamed.source_system
        and {{ match_key('renamed.account_type') }} = {{ match_key('channel_mapping.source_value') }}
    left join region_mapping as state_region
        on {{ place_key('renamed.state') }} = state_region.place
    left join region_mapping as city_region
        on {{ place_key('renamed.city') }} = city_region.place
)

select * from mapped

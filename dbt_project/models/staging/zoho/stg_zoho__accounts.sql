with

source as (
    select * from {{ source('zoho', 'accounts') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
    where source_system = 'zoho' and source_field = 'account_type'
),

region_mapping as (
    -- one row per place as matched (浙江 and 浙江省 are one place)
    select distinct {{ place_key('source_value') }} as place, region_code
    from {{ ref('region_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as account_id,
        account_name,
        account_number,
        account_type,
        industry,
        {{ to_money('annual_revenue') }} as annual_revenue,
        employees,
        rating,
        phone,
        website,
        tax_id,
        billing_city,
        billing_state,
        billing_country,
        parent_account as parent_account_name,
        account_owner as owner_name,
        account_owner_id as owner_id,
        created_time as created_at,
        modified_time as modified_at,
        is_deleted,
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
        on {{ match_key('renamed.account_type') }} = {{ match_key('channel_mapping.source_value') }}
    left join region_mapping as state_region
        on {{ place_key('renamed.billing_state') }} = state_region.place
    left join region_mapping as city_region
        on {{ place_key('renamed.billing_city') }} = city_region.place
)

select * from mapped

with

source as (
    select * from {{ source('fxiaoke', 'customers') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
    where source_system = 'fxiaoke'
),

region_mapping as (
    -- one row per place as matched (浙江 and 浙江省 are one place)
    select distinct {{ place_key('source_value') }} as place, region_code
    from {{ ref('region_mapping') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', ['customer_name'], 'last_modified_time') }}
),

renamed as (
    select
        customer_name,
        customer_no,
        customer_level,
        customer_source,
        industry,
        province,
        city,
        area,
        phone,
        tax_id,
        deal_status,
        last_followed_time as last_followed_at,
        in_public_pool as public_pool,
        _extra as extra,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        coalesce(area_region.region_code, province_region.region_code, city_region.region_code) as region_code,
        coalesce(record_type_channel.channel_code, source_channel.channel_code) as channel_code,
        coalesce(life_status.is_cancelled, false) as is_void
    from renamed
    left join region_mapping as area_region
        on {{ place_key('renamed.area') }} = area_region.place
    left join region_mapping as province_region
        on {{ place_key('renamed.province') }} = province_region.place
    left join region_mapping as city_region
        on {{ place_key('renamed.city') }} = city_region.place
    left join channel_mapping as record_type_channel
        on record_type_channel.source_field = 'record_type'
        and {{ match_key('renamed.record_type') }} = {{ match_key('record_type_channel.source_value') }}
    left join channel_mapping as source_channel
        on source_channel.source_field = 'customer_source'
        and {{ match_key('renamed.customer_source') }} = {{ match_key('source_channel.source_value') }}
    left join status_mapping as life_status
        on {{ match_key('renamed.life_status') }} = {{ match_key('life_status.source_status') }}
)

select * from mapped

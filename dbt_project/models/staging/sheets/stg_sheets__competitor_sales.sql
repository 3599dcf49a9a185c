with

source as (
    select * from {{ source('sheets', 'competitor_sales') }}
),

region_mapping as (
    select * from {{ ref('region_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['region', 'period', 'competitor']) }}
),

renamed as (
    select
        region as source_region,
        period,
        {{ period_grain('period') }} as period_grain,
        {{ period_start('period') }} as period_start,
        trim(competitor) as competitor,
        {{ to_money('competitor_sales') }} as competitor_sales,
        {{ normalize_currency('currency') }} as currency,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        region_mapping.region_code
    from renamed
    left join region_mapping
        on {{ match_key('renamed.source_region') }} = {{ match_key('region_mapping.source_value') }}
)

select * from mapped

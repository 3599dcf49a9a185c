with

source as (
    select * from {{ source('sheets', 'market_size') }}
),

region_mapping as (
    select * from {{ ref('region_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['region', 'period']) }}
),

renamed as (
    select
        region as source_region,
        period,
        {{ period_grain('period') }} as period_grain,
        {{ period_start('period') }} as period_start,
        {{ to_money('market_size') }} as market_size,
        {{ normalize_currency('currency') }} as currency,
        source_note,
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

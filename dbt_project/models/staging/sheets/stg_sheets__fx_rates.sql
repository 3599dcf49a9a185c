with

source as (
    select * from {{ source('sheets', 'fx_rates') }}
),

newest_versions as (
    {{ newest_version('source', ['month', 'currency']) }}
),

renamed as (
    select
        month as source_month,
        case when {{ period_grain('month') }} = 'month' then {{ period_start('month') }} end as rate_month,
        {{ normalize_currency('currency') }} as currency,
        rate_to_cny,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed

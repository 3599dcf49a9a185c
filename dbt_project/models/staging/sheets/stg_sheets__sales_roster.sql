with

source as (
    select * from {{ source('sheets', 'sales_roster') }}
),

region_mapping as (
    select * from {{ ref('region_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['rep_id', 'valid_from']) }}
),

renamed as (
    select
        rep_id,
        rep_name,
        zoho_user,
        zoho_user_id,
        fxiaoke_user,
        email,
        region as source_region,
        team,
        manager,
        valid_from,
        valid_to,
        hire_date,
        leave_date,
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

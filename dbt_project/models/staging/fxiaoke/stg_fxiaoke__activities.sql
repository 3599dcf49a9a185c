{#- 销售记录 / 跟进记录. The export has no id: the profile's key (time, owner, customer, type)
    identifies a follow-up, hashed into activity_id. -#}
with

source as (
    select * from {{ source('fxiaoke', 'activities') }}
),

activity_type_mapping as (
    select * from {{ ref('activity_type_mapping') }}
    where source_system = 'fxiaoke'
),

newest_versions as (
    {{ newest_version('source', ['activity_time', 'owner', 'customer_name', 'activity_type'], 'last_modified_time') }}
),

renamed as (
    select
        {{ dbt.hash(dbt.concat([
            dbt.cast('activity_time', dbt.type_string()), "'|'",
            "coalesce(owner, '')", "'|'",
            "coalesce(customer_name, '')", "'|'",
            'activity_type'
        ])) }} as activity_id,
        activity_type as source_type,
        activity_time as activity_at,
        customer_name,
        content,
        {{ fxiaoke_common_columns() }}
    from newest_versions
),

mapped as (
    select
        renamed.*,
        activity_type_mapping.activity_type_code
    from renamed
    left join activity_type_mapping
        on {{ match_key('renamed.source_type') }} = {{ match_key('activity_type_mapping.source_type') }}
)

select * from mapped

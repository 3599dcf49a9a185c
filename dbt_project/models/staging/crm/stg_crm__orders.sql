{#- Sales orders of every canonical CRM (Salesforce Orders, HubSpot orders, …), newest version
    per CRM and order id; status mapped by seed order_status_mapping (source_system the CRM): a
    cancelled status is not revenue, an unknown one counts as not cancelled and is named by a
    warning. -#}
with

source as (
    select * from {{ source('crm', 'orders') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
),

newest_versions as (
    {{ newest_version('source', ['_source_system', 'order_id'], 'modified_at', scope='_source_system') }}
),

renamed as (
    select
        _source_system as source_system,
        order_id,
        coalesce(order_number, order_id) as order_number,
        order_date,
        account_id,
        account_name,
        opportunity_id,
        owner_id,
        owner_name,
        status as source_status,
        {{ normalize_currency('currency') }} as currency,
        {{ to_money('subtotal') }} as subtotal,
        created_at,
        modified_at,
        is_deleted,
        _extra as extra,
        _loaded_at as loaded_at,
        _load_id as load_id
    from newest_versions
),

mapped as (
    select
        renamed.*,
        status_mapping.status_code,
        coalesce(status_mapping.is_cancelled, false) as is_cancelled
    from renamed
    left join status_mapping
        on status_mapping.source_system = renamed.source_system
        and {{ match_key('renamed.source_status') }} = {{ match_key('status_mapping.source_status') }}
)

select * from mapped

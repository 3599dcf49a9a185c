{#- One row per order. The raw rows repeat the header once per product line when the export
    includes line items; those lines are stg_zoho__sales_order_lines. -#}
with

source as (
    select * from {{ source('zoho', 'sales_orders') }}
),

status_mapping as (
    select * from {{ ref('order_status_mapping') }}
    where source_system = 'zoho'
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as sales_order_id,
        so_number,
        subject,
        deal_id,
        deal_name,
        account_id,
        account_name,
        contact_name,
        status as source_status,
        -- Zoho Sales Orders have no order date field: the record's creation is the order date.
        coalesce(order_date, cast(created_time as date)) as order_date,
        due_date,
        {{ to_money('sub_total') }} as sub_total,
        {{ to_money('order_discount') }} as order_discount_amount,
        {{ to_money('tax') }} as tax,
        {{ to_money('adjustment') }} as adjustment,
        {{ to_money('grand_total') }} as grand_total,
        {{ to_money('sales_commission') }} as sales_commission,
        {{ normalize_currency('currency') }} as currency,
        exchange_rate,
        owner as owner_name,
        owner_id,
        created_time as created_at,
        modified_time as modified_at,
        is_deleted,
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
        on {{ match_key('renamed.source_status') }} = {{ match_key('status_mapping.source_status') }}
)

select * from mapped

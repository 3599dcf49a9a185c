with

source as (
    select * from {{ source('zoho', 'quotes') }}
),

newest_versions as (
    {{ newest_version('source', ['record_id'], 'modified_time') }}
),

renamed as (
    select
        record_id as quote_id,
        subject,
        quote_stage,
        deal_id,
        deal_name,
        account_id,
        account_name,
        {{ to_money('grand_total') }} as grand_total,
        {{ normalize_currency('currency') }} as currency,
        valid_till,
        owner as owner_name,
        created_time as created_at,
        modified_time as modified_at,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed

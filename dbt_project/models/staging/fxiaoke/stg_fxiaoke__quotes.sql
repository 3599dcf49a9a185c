with

source as (
    select * from {{ source('fxiaoke', 'quotes') }}
),

newest_versions as (
    {{ newest_version('source', ['quote_no'], 'last_modified_time') }}
),

renamed as (
    select
        quote_no,
        customer_name,
        opportunity_name,
        {{ to_money('quote_amount') }} as quote_amount,
        '{{ var("default_currency") }}' as currency,
        quote_time as quoted_at,
        {{ fxiaoke_common_columns() }}
    from newest_versions
)

select * from renamed

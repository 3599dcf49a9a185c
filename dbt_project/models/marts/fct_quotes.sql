{#- One row per quote, with the time it was sent (quote response time) and its amount. -#}
with

quotes as (
    select * from {{ ref('int_quotes') }}
),

final as (
    select
        quote_key,
        source_system,
        quote_id,
        quote_name,
        quote_stage,
        opportunity_key,
        customer_key,
        customer_master_key,
        rep_id,
        quoted_at,
        cast(quoted_at as date) as quote_date,
        valid_till,
        currency,
        amount as amount_local,
        fx_rate,
        amount_cny
    from quotes
)

select * from final

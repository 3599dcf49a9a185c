{#- Quotes of both CRMs with the opportunity, customer and rep resolved (region and team on the
    quote date: macro attribution_joins); the quote time is
    Fxiaoke 报价时间 or the Zoho quote's creation (the basis of quote response time). -#}
with

zoho_quotes as (
    select * from {{ ref('stg_zoho__quotes') }}
    where not is_deleted
),

fxiaoke_quotes as (
    select * from {{ ref('stg_fxiaoke__quotes') }}
    where not is_deleted
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

rep_lookup as (
    select * from {{ ref('int_rep_lookup') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

opportunity_lookup as (
    select * from {{ ref('int_opportunity_lookup') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

unioned as (
    select
        'zoho' as source_system,
        quote_id,
        subject as quote_name,
        quote_stage,
        deal_id as opportunity_ref,
        account_id as customer_ref_id,
        account_name as customer_name,
        grand_total as amount,
        currency,
        created_at as quoted_at,
        valid_till,
        owner_name
    from zoho_quotes
    union all
    select
        'fxiaoke',
        quote_no,
        quote_no,
        cast(null as {{ dbt.type_string() }}),
        opportunity_name,
        cast(null as {{ dbt.type_string() }}),
        customer_name,
        quote_amount,
        currency,
        quoted_at,
        cast(null as date),
        owner_name
    from fxiaoke_quotes
),

resolved as (
    select
        unioned.*,
        opportunities.opportunity_key,
        coalesce(customer_by_id.customer_key, customer_by_name.customer_key, opportunities.customer_key) as customer_key,
        coalesce(rep_by_name.rep_id, opportunities.rep_id) as rep_id,
        cast(unioned.quoted_at as date) as quote_date
    from unioned
    left join opportunity_lookup
        on opportunity_lookup.source_system = unioned.source_system
        and opportunity_lookup.lookup_ref = unioned.opportunity_ref
    left join opportunities
        on opportunities.source_system = opportunity_lookup.source_system
        and opportunities.opportunity_id = opportunity_lookup.opportunity_id
    left join customer_lookup as customer_by_id
        on customer_by_id.source_system = unioned.source_system
        and customer_by_id.lookup_key = {{ dbt.concat(["'id:'", 'unioned.customer_ref_id']) }}
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = unioned.source_system
        and customer_by_name.lookup_key = {{ match_key('unioned.customer_name') }}
    left join rep_lookup as rep_by_name
        on rep_by_name.source_system = unioned.source_system
        and rep_by_name.lookup_key = {{ match_key('unioned.owner_name') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['resolved.source_system', "'|'", 'resolved.quote_id'])) }} as quote_key,
        resolved.*,
        customer_matches.customer_master_key,
        {{ attribution_columns() }},
        fx_rates.rate_to_cny as fx_rate,
        {{ to_money(to_wide_decimal('resolved.amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny
    from resolved
    left join customer_matches
        on resolved.customer_key = customer_matches.customer_key
    {{ attribution_joins('resolved', 'quote_date') }}
    left join fx_rates
        on fx_rates.currency = resolved.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'resolved.quoted_at') }} as date)
)

select * from final

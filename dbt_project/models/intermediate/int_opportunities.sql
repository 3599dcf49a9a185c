{#-
    Opportunities of every CRM (Zoho Deals, Fxiaoke 商机, and the opportunities of every canonical
    CRM: Salesforce Opportunities, HubSpot deals…) in their current state, with the
    canonical stage, the customer, the owner rep and the rep's region and team valid on the
    close date (expected close date while open). Amounts convert at the rate of the close month;
    for a month past the newest rate given, the newest rate carries forward (fx_is_projected).
-#}
with

zoho_deals as (
    select * from {{ ref('stg_zoho__deals') }}
    where not is_deleted
),

fxiaoke_opportunities as (
    select * from {{ ref('stg_fxiaoke__opportunities') }}
    where not is_deleted and not is_void
),

canonical_opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
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

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

unioned as (
    select
        'zoho' as source_system,
        deal_id as opportunity_id,
        deal_name as opportunity_name,
        account_id as customer_ref_id,
        account_name as customer_name,
        owner_name,
        owner_id,
        amount,
        currency,
        source_stage,
        stage_code,
        stage_name,
        stage_group,
        stage_order,
        win_probability,
        cast(created_at as date) as created_date,
        case when stage_group = 'open' then closing_date end as expected_close_date,
        case when stage_group <> 'open' then closing_date end as closed_date,
        cast(null as {{ dbt.type_string() }}) as lost_reason,
        lead_source,
        deal_type as opportunity_type,
        created_at,
        modified_at,
        extra,
        loaded_at
    from zoho_deals
    union all
    select
        'fxiaoke',
        opportunity_id,
        opportunity_name,
        cast(null as {{ dbt.type_string() }}),
        customer_name,
        owner_name,
        cast(null as {{ dbt.type_string() }}),
        amount,
        currency,
        source_stage,
        stage_code,
        stage_name,
        stage_group,
        stage_order,
        win_probability,
        cast(created_at as date),
        expected_close_date,
        case when stage_group <> 'open' then coalesce(closed_date, expected_close_date) end,
        lost_reason,
        opportunity_source,
        record_type,
        created_at,
        modified_at,
        extra,
        loaded_at
    from fxiaoke_opportunities
    union all
    select
        source_system,
        opportunity_id,
        opportunity_name,
        account_id,
        account_name,
        owner_name,
        owner_id,
        amount,
        currency,
        source_stage,
        stage_code,
        stage_name,
        stage_group,
        stage_order,
        win_probability,
        cast(created_at as date),
        case when stage_group = 'open' then close_date end,
        case when stage_group <> 'open' then close_date end,
        lost_reason,
        lead_source,
        opportunity_type,
        created_at,
        modified_at,
        extra,
        loaded_at
    from canonical_opportunities
),

resolved as (
    select
        unioned.*,
        coalesce(closed_date, expected_close_date) as attribution_date,
        coalesce(customer_by_id.customer_key, customer_by_name.customer_key) as customer_key,
        coalesce(rep_by_id.rep_id, rep_by_name.rep_id) as rep_id
    from unioned
    left join customer_lookup as customer_by_id
        on customer_by_id.source_system = unioned.source_system
        and customer_by_id.lookup_key = {{ dbt.concat(["'id:'", 'unioned.customer_ref_id']) }}
    left join customer_lookup as customer_by_name
        on customer_by_name.source_system = unioned.source_system
        and customer_by_name.lookup_key = {{ match_key('unioned.customer_name') }}
    {{ join_owner_rep('unioned') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['resolved.source_system', "'|'", 'resolved.opportunity_id'])) }} as opportunity_key,
        resolved.*,
        customer_matches.customer_master_key,
{{ attribution_columns() }},
        fx_rates.rate_to_cny as fx_rate,
        coalesce(fx_rates.is_projected, false) as fx_is_projected,
        {{ to_money(to_wide_decimal('resolved.amount', 4) ~ ' * fx_rates.rate_to_cny') }} as amount_cny
    from resolved
    left join customer_matches
        on resolved.customer_key = customer_matches.customer_key
{{ attribution_joins('resolved', 'attribution_date') }}
    left join fx_rates
        on fx_rates.currency = resolved.currency
        and fx_rates.rate_month = cast({{ dbt.date_trunc('month', 'resolved.attribution_date') }} as date)
)

select * from final

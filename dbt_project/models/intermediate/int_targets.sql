{#-
    Explicit targets from the targets sheet, normalised to period_grain / period_start /
    period_end × scope_type / scope_id × metric. scope_id is the warehouse's id of the scope:
    'company', a region_code, a team name, a rep_id (the sheet may name the rep or give the id),
    or a product category. Money targets (revenue, collections …) also in CNY, at the rate of
    the period's first month (projected forward past the newest rate given).
-#}
with

targets as (
    select * from {{ ref('stg_sheets__targets') }}
    where not is_deleted
),

region_mapping as (
    select * from {{ ref('region_mapping') }}
),

roster as (
    select * from {{ ref('stg_sheets__sales_roster') }}
    where not is_deleted
),

fx_rates as (
    select * from {{ ref('int_fx_rates') }}
),

rep_ids as (
    select distinct rep_id as scope_ref, rep_id from roster
),

rep_names as (
    select {{ match_key('rep_name') }} as scope_ref, min(rep_id) as rep_id
    from roster
    group by {{ match_key('rep_name') }}
    having count(distinct rep_id) = 1
),

resolved as (
    select
        targets.*,
        case targets.scope_type
            when 'company' then 'company'
            when 'region' then region_mapping.region_code
            when 'team' then targets.scope_name
            when 'rep' then coalesce(rep_ids.rep_id, rep_names.rep_id)
            when 'product_line' then targets.scope_name
        end as scope_id,
        case targets.period_grain
            when 'year' then cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'targets.period_start')) }} as date)
            when 'quarter' then cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'targets.period_start')) }} as date)
            when 'month' then cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'targets.period_start')) }} as date)
        end as period_end,
        coalesce(targets.currency, '{{ var("reporting_currency") }}') as target_currency
    from targets
    left join region_mapping
        on targets.scope_type = 'region'
        and {{ match_key('targets.scope_name') }} = {{ match_key('region_mapping.source_value') }}
    left join rep_ids
        on targets.scope_type = 'rep'
        and targets.scope_name = rep_ids.scope_ref
    left join rep_names
        on targets.scope_type = 'rep'
        and {{ match_key('targets.scope_name') }} = rep_names.scope_ref
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'resolved.period_grain', "'|'", dbt.cast('resolved.period_start', dbt.type_string()), "'|'",
            'resolved.scope_type', "'|'", "coalesce(resolved.scope_id, resolved.scope_name)", "'|'", 'resolved.metric'
        ])) }} as target_key,
        resolved.period,
        resolved.period_grain,
        resolved.period_start,
        resolved.period_end,
        resolved.scope_type,
        resolved.scope_id,
        resolved.scope_name,
        resolved.metric,
        resolved.source_scope_type,
        resolved.source_metric,
        resolved.target_value,
        resolved.target_currency as currency,
        case
            when resolved.metric in ('revenue', 'collections', 'average_order_value', 'deal_size', 'market_size')
                then {{ to_money(to_wide_decimal('resolved.target_value', 4) ~ ' * fx_rates.rate_to_cny') }}
        end as target_value_cny,
        resolved.loaded_at
    from resolved
    left join fx_rates
        on fx_rates.currency = resolved.target_currency
        and fx_rates.rate_month = resolved.period_start
)

select * from final

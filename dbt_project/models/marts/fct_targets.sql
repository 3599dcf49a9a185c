{#- Explicit targets, one row per period × scope × metric, normalised: period_grain
    (year / quarter / month), period_start, period_end, scope_type (company / region / team /
    rep / product_line), scope_id, scope_name, metric, target_value (and in CNY for money). -#}
with

targets as (
    select * from {{ ref('int_targets') }}
),

final as (
    select
        target_key,
        period,
        period_grain,
        period_start,
        period_end,
        scope_type,
        scope_id,
        scope_name,
        metric,
        cast(target_value as decimal(38, 4)) as target_value,
        currency,
        target_value_cny,
        true as is_explicit,
        loaded_at
    from targets
)

select * from final

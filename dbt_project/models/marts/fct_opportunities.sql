{#- Opportunities in their current state: canonical stage and stage group (open / won / lost),
    probability, amount in the record currency and CNY, weighted amount, dates, and the owner
    rep with region and team valid on the close date (expected close date while open). -#}
with

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

final as (
    select
        opportunity_key,
        source_system,
        opportunity_id,
        opportunity_name,
        customer_key,
        customer_master_key,
        rep_id,
        rep_key,
        region_code,
        team,
        source_stage,
        stage_code,
        stage_name,
        stage_group,
        cast(stage_order as integer) as stage_order,
        cast(win_probability as decimal(9, 6)) as win_probability,
        currency,
        amount as amount_local,
        fx_rate,
        fx_is_projected,
        amount_cny,
        {{ weighted_amount('amount_cny', 'win_probability') }} as weighted_amount_cny,
        created_date,
        expected_close_date,
        closed_date,
        stage_group = 'open' as is_open,
        stage_group = 'won' as is_won,
        stage_group = 'lost' as is_lost,
        -- days as a duration measure: double, as the averages of the KPI marts
        cast(case
            when stage_group = 'won' then {{ dbt.datediff('created_date', 'closed_date', 'day') }}
        end as {{ kpi_type_ratio() }}) as sales_cycle_days,
        lost_reason,
        lead_source,
        opportunity_type,
        loaded_at
        {{- pass_through_select('fct_opportunities') }}
    from opportunities
)

select * from final

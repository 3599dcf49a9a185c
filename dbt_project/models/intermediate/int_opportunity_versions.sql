{#-
    Every raw version of every opportunity that still exists (int_opportunities), of every CRM
    (stg_*_versions: one row per load-visible Modified Time), numbered: version_sequence in the
    order the versions were seen, newest_of_day 1 for the last version of its day. What
    int_opportunity_states reads three times (the day's version, the first version, the changes)
    and int_opportunity_stage_history derives stages from (the versions' one union).

    A table of its own: inside int_opportunity_states DuckDB kept it as a materialized CTE beside
    the states' windows, and at 10M order lines that query ran out of its 3 GiB even alone
    (benchmarks/README.md); stored, the two take 5 s and 57 s.
-#}
with

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

zoho_versions as (
    select * from {{ ref('stg_zoho__deal_versions') }}
),

fxiaoke_versions as (
    select * from {{ ref('stg_fxiaoke__opportunity_versions') }}
),

canonical_versions as (
    select * from {{ ref('stg_crm__opportunity_versions') }}
),

versions as (
    select
        'zoho' as source_system, deal_id as opportunity_id, source_stage, stage_code, stage_group, stage_order,
        amount, currency, probability, closing_date as expected_close_date,
        cast(null as {{ dbt.type_string() }}) as forecast_category,
        coalesce(modified_at, created_at) as seen_at, modified_by, first_load_id, first_loaded_at, loaded_at
    from zoho_versions
    union all
    select
        'fxiaoke', opportunity_id, source_stage, stage_code, stage_group, stage_order,
        amount, currency, probability, expected_close_date,
        cast(null as {{ dbt.type_string() }}),
        coalesce(modified_at, created_at), modified_by, first_load_id, first_loaded_at, loaded_at
    from fxiaoke_versions
    union all
    select
        source_system, opportunity_id, source_stage, stage_code, stage_group, stage_order,
        amount, currency, probability, expected_close_date,
        forecast_category,
        coalesce(modified_at, created_at), modified_by, first_load_id, first_loaded_at, loaded_at
    from canonical_versions
),

versions_of_opportunities as (
    select
        opportunities.opportunity_key,
        versions.*,
        cast(versions.seen_at as date) as change_date,
        row_number() over (
            partition by versions.source_system, versions.opportunity_id, cast(versions.seen_at as date)
            order by versions.seen_at desc, versions.first_load_id desc
        ) as newest_of_day,
        row_number() over (
            partition by versions.source_system, versions.opportunity_id
            order by versions.seen_at, versions.first_load_id
        ) as version_sequence
    from versions
    inner join opportunities
        on opportunities.source_system = versions.source_system
        and opportunities.opportunity_id = versions.opportunity_id
)

select * from versions_of_opportunities

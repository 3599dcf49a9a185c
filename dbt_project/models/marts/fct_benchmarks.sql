{#- External benchmarks (industry or competitor figures) per metric × period × scope. -#}
with

benchmarks as (
    select * from {{ ref('stg_sheets__benchmarks') }}
    where not is_deleted
),

region_mapping as (
    select * from {{ ref('region_mapping') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'benchmarks.source_kpi', "'|'", 'benchmarks.period', "'|'",
            'benchmarks.source_scope_type', "'|'", "coalesce(benchmarks.scope_name, '')"
        ])) }} as benchmark_key,
        benchmarks.metric,
        benchmarks.source_kpi,
        benchmarks.period,
        benchmarks.period_grain,
        benchmarks.period_start,
        coalesce(benchmarks.scope_type, 'company') as scope_type,
        case
            when coalesce(benchmarks.scope_type, 'company') = 'company' then 'company'
            when benchmarks.scope_type = 'region' then region_mapping.region_code
            else benchmarks.scope_name
        end as scope_id,
        benchmarks.scope_name,
        benchmarks.benchmark_value,
        benchmarks.benchmark_source
    from benchmarks
    left join region_mapping
        on benchmarks.scope_type = 'region'
        and {{ match_key('benchmarks.scope_name') }} = {{ match_key('region_mapping.source_value') }}
)

select * from final

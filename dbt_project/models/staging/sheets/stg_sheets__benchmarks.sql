with

source as (
    select * from {{ source('sheets', 'benchmarks') }}
),

vocabulary as (
    select * from {{ ref('target_vocabulary') }}
),

newest_versions as (
    {{ newest_version('source', ['kpi', 'period', 'scope_type', 'scope_name']) }}
),

renamed as (
    select
        kpi as source_kpi,
        period,
        {{ period_grain('period') }} as period_grain,
        {{ period_start('period') }} as period_start,
        coalesce(scope_type, 'company') as source_scope_type,
        trim(scope_name) as scope_name,
        benchmark_value,
        benchmark_source,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
),

mapped as (
    select
        renamed.*,
        scope_types.code as scope_type,
        metrics.code as metric
    from renamed
    left join vocabulary as scope_types
        on scope_types.field = 'scope_type'
        and {{ match_key('renamed.source_scope_type') }} = {{ match_key('scope_types.source_value') }}
    left join vocabulary as metrics
        on metrics.field = 'metric'
        and {{ match_key('renamed.source_kpi') }} = {{ match_key('metrics.source_value') }}
)

select * from mapped

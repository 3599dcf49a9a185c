{#-
    Every scope a KPI can be reported for, per reporting period, with its display name and its
    parent (the peer group of rankings and internal-best benchmarks):

        company       'company'       parent: none
        region        region_code     parent: company
        team          team name       parent: the team's region
        rep           rep_id          parent: the rep's region (team_id: the rep's team)
        product_line  product category parent: company
        channel       channel_code    parent: company

    A rep's region and team in a period are those of the assignment (dim_rep, SCD2) in force at
    the period's end, or on the as-of date for the current period (a rep who changed region
    reports under the new one; the facts themselves stay attributed by their own date).
    is_active: the scope had an assignment (reps, teams, regions) overlapping the period up to
    the as-of date — so a rep with no activity reports zeros, and a rep who left stops appearing
    once gone (unless facts or targets name them). Product lines and channels are always active.
-#}
with

periods as (
    select * from {{ ref('int_targets__periods') }}
    where is_reporting_period
),

reps as (
    select * from {{ ref('dim_rep') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

channels as (
    select * from {{ ref('dim_channel') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

targets as (
    select * from {{ ref('fct_targets') }}
),

company_name as (
    select coalesce(max(scope_name), '全公司') as scope_name
    from targets
    where scope_type = 'company'
),

period_windows as (
    select
        period_grain,
        period_start,
        period_end,
        case when period_start > as_of_date then period_start else least(period_end, as_of_date) end as window_end
    from periods
),

rep_periods as (
    select
        period_windows.period_grain,
        period_windows.period_start,
        reps.rep_id,
        reps.rep_name,
        reps.region_code,
        reps.team,
        reps.valid_from <= period_windows.window_end
            and coalesce(reps.valid_to, period_windows.period_start) >= period_windows.period_start
            as overlaps_period,
        row_number() over (
            partition by period_windows.period_grain, period_windows.period_start, reps.rep_id
            order by
                case when reps.valid_from <= period_windows.window_end then 0 else 1 end,
                case when reps.valid_from <= period_windows.window_end then reps.valid_from end desc,
                reps.valid_from
        ) as assignment_rank
    from period_windows
    cross join reps
),

rep_scopes as (
    select
        period_grain,
        period_start,
        'rep' as scope_type,
        rep_id as scope_id,
        max(case when assignment_rank = 1 then rep_name end) as scope_name,
        'region' as parent_scope_type,
        max(case when assignment_rank = 1 then region_code end) as parent_scope_id,
        max(case when assignment_rank = 1 then team end) as team_id,
        max(case when overlaps_period then 1 else 0 end) = 1 as is_active
    from rep_periods
    group by period_grain, period_start, rep_id
),

team_scopes as (
    select
        period_grain,
        period_start,
        'team' as scope_type,
        team as scope_id,
        team as scope_name,
        'region' as parent_scope_type,
        max(region_code) as parent_scope_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        max(case when overlaps_period then 1 else 0 end) = 1 as is_active
    from rep_periods
    where team is not null
    group by period_grain, period_start, team
),

region_activity as (
    select period_grain, period_start, region_code, max(case when overlaps_period then 1 else 0 end) = 1 as is_active
    from rep_periods
    group by period_grain, period_start, region_code
),

region_scopes as (
    select
        periods.period_grain,
        periods.period_start,
        'region' as scope_type,
        regions.region_code as scope_id,
        regions.region_name as scope_name,
        'company' as parent_scope_type,
        'company' as parent_scope_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        coalesce(region_activity.is_active, false) as is_active
    from periods
    cross join regions
    left join region_activity
        on region_activity.period_grain = periods.period_grain
        and region_activity.period_start = periods.period_start
        and region_activity.region_code = regions.region_code
    where regions.region_level = 'region'
),

company_scopes as (
    select
        periods.period_grain,
        periods.period_start,
        'company' as scope_type,
        'company' as scope_id,
        company_name.scope_name,
        cast(null as {{ dbt.type_string() }}) as parent_scope_type,
        cast(null as {{ dbt.type_string() }}) as parent_scope_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        true as is_active
    from periods
    cross join company_name
),

product_line_scopes as (
    select
        periods.period_grain,
        periods.period_start,
        'product_line' as scope_type,
        product_lines.product_category as scope_id,
        product_lines.product_category as scope_name,
        'company' as parent_scope_type,
        'company' as parent_scope_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        true as is_active
    from periods
    cross join (
        select distinct product_category from products where product_category is not null
    ) as product_lines
),

channel_scopes as (
    select
        periods.period_grain,
        periods.period_start,
        'channel' as scope_type,
        channels.channel_code as scope_id,
        channels.channel_name as scope_name,
        'company' as parent_scope_type,
        'company' as parent_scope_id,
        cast(null as {{ dbt.type_string() }}) as team_id,
        true as is_active
    from periods
    cross join channels
),

unioned as (
    select * from company_scopes
    union all
    select * from region_scopes
    union all
    select * from team_scopes
    union all
    select * from rep_scopes
    union all
    select * from product_line_scopes
    union all
    select * from channel_scopes
),

final as (
    select
        unioned.period_grain,
        unioned.period_start,
        unioned.scope_type,
        unioned.scope_id,
        unioned.scope_name,
        unioned.parent_scope_type,
        unioned.parent_scope_id,
        unioned.team_id,
        unioned.is_active
    from unioned
)

select * from final

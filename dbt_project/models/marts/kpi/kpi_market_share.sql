{#-
    Market share per region × period (KPI_DEFINITIONS "Market"), quarter and year (and month
    where the market research gives months), for every period with own revenue to date:

        market_size            from the market-research sheet (fct_market_size, CNY); a year
                               without its own figure is the sum of its four quarters when all
                               four are given
        market_share           own revenue / market size
        leader_competitor      competitor with the largest estimated sales (fct_competitor_sales)
        relative_market_share  own revenue / the leader's sales
        share_change           market_share − the previous period's (the trend); share_change_yoy
                               against the same period last year
    A period without market data keeps its row with own revenue and null shares
    (has_market_data = false). Own revenue is attributed to the region of the order owner's
    assignment on the order date.
-#}
with

attainment as (
    select * from {{ ref('kpi_attainment') }}
    where scope_type = 'region'
        and metric = 'revenue'
        and to_date_label <> 'future'
),

market_size as (
    select * from {{ ref('fct_market_size') }}
),

competitor_sales as (
    select * from {{ ref('fct_competitor_sales') }}
),

calendar as (
    select * from {{ ref('int_targets__calendar') }}
),

quarter_years as (
    select distinct quarter_start, year_start from calendar
),

given_sizes as (
    select period_grain, period_start, region_code, sum(market_size_cny) as market_size
    from market_size
    where region_code is not null
    group by 1, 2, 3
),

year_sizes_from_quarters as (
    select 'year' as period_grain, quarter_years.year_start as period_start, given_sizes.region_code,
        sum(given_sizes.market_size) as market_size
    from given_sizes
    inner join quarter_years
        on quarter_years.quarter_start = given_sizes.period_start
    where given_sizes.period_grain = 'quarter'
    group by 1, 2, 3
    having count(*) = 4
),

sizes as (
    select * from given_sizes
    union all
    select year_sizes_from_quarters.*
    from year_sizes_from_quarters
    left join given_sizes
        on given_sizes.period_grain = 'year'
        and given_sizes.period_start = year_sizes_from_quarters.period_start
        and given_sizes.region_code = year_sizes_from_quarters.region_code
    where given_sizes.region_code is null
),

given_competitor_sales as (
    select period_grain, period_start, region_code, competitor, sum(competitor_sales_cny) as competitor_sales
    from competitor_sales
    where region_code is not null
    group by 1, 2, 3, 4
),

yearly_competitor_sales as (
    select 'year' as period_grain, quarter_years.year_start as period_start, given_competitor_sales.region_code,
        given_competitor_sales.competitor, sum(given_competitor_sales.competitor_sales) as competitor_sales
    from given_competitor_sales
    inner join quarter_years
        on quarter_years.quarter_start = given_competitor_sales.period_start
    where given_competitor_sales.period_grain = 'quarter'
    group by 1, 2, 3, 4
    having count(*) = 4
),

all_competitor_sales as (
    select * from given_competitor_sales
    union all
    select yearly_competitor_sales.*
    from yearly_competitor_sales
    left join given_competitor_sales
        on given_competitor_sales.period_grain = 'year'
        and given_competitor_sales.period_start = yearly_competitor_sales.period_start
        and given_competitor_sales.region_code = yearly_competitor_sales.region_code
        and given_competitor_sales.competitor = yearly_competitor_sales.competitor
    where given_competitor_sales.region_code is null
),

leaders as (
    select
        period_grain,
        period_start,
        region_code,
        competitor as leader_competitor,
        competitor_sales as leader_sales,
        competitors,
        competitor_sales_total
    from (
        select
            all_competitor_sales.*,
            row_number() over (
                partition by period_grain, period_start, region_code
                order by competitor_sales desc, competitor
            ) as sales_rank,
            count(*) over (partition by period_grain, period_start, region_code) as competitors,
            sum(competitor_sales) over (partition by period_grain, period_start, region_code) as competitor_sales_total
        from all_competitor_sales
    ) as ranked
    where sales_rank = 1
),

own_revenue as (
    select
        attainment.period_grain,
        attainment.period_start,
        attainment.to_date_label,
        attainment.scope_id as region_code,
        attainment.scope_name as region_name,
        attainment.actual as own_revenue
    from attainment
    left join sizes
        on sizes.period_grain = attainment.period_grain
        and sizes.period_start = attainment.period_start
        and sizes.region_code = attainment.scope_id
    where attainment.period_grain in ('quarter', 'year')
        or sizes.region_code is not null
),

shares as (
    select
        own_revenue.*,
        sizes.market_size,
        sizes.market_size is not null as has_market_data,
        {{ kpi_ratio('own_revenue.own_revenue', 'sizes.market_size') }} as market_share,
        leaders.leader_competitor,
        leaders.leader_sales,
        cast(leaders.competitors as {{ dbt.type_bigint() }}) as competitors,
        leaders.competitor_sales_total,
        {{ kpi_ratio('own_revenue.own_revenue', 'leaders.leader_sales') }} as relative_market_share
    from own_revenue
    left join sizes
        on sizes.period_grain = own_revenue.period_grain
        and sizes.period_start = own_revenue.period_start
        and sizes.region_code = own_revenue.region_code
    left join leaders
        on leaders.period_grain = own_revenue.period_grain
        and leaders.period_start = own_revenue.period_start
        and leaders.region_code = own_revenue.region_code
),

with_trend as (
    select
        shares.*,
        shares.market_share - previous.market_share as share_change,
        shares.market_share - last_year.market_share as share_change_yoy
    from shares
    left join shares as previous
        on previous.period_grain = shares.period_grain
        and previous.region_code = shares.region_code
        and previous.period_start = cast(
            case shares.period_grain
                when 'month' then {{ dbt.dateadd('month', -1, 'shares.period_start') }}
                when 'quarter' then {{ dbt.dateadd('month', -3, 'shares.period_start') }}
                else {{ dbt.dateadd('year', -1, 'shares.period_start') }}
            end as date)
    left join shares as last_year
        on last_year.period_grain = shares.period_grain
        and last_year.region_code = shares.region_code
        and last_year.period_start = cast({{ dbt.dateadd('year', -1, 'shares.period_start') }} as date)
),

final as (
    select
        period_grain,
        period_start,
        to_date_label,
        region_code,
        region_name,
        cast(own_revenue as decimal(38, 4)) as own_revenue,
        has_market_data,
        cast(market_size as decimal(38, 4)) as market_size,
        cast(market_share as {{ kpi_type_ratio() }}) as market_share,
        leader_competitor,
        cast(leader_sales as decimal(38, 4)) as leader_sales,
        competitors,
        cast(competitor_sales_total as decimal(38, 4)) as competitor_sales_total,
        cast(relative_market_share as {{ kpi_type_ratio() }}) as relative_market_share,
        cast(share_change as {{ kpi_type_ratio() }}) as share_change,
        cast(share_change_yoy as {{ kpi_type_ratio() }}) as share_change_yoy,
        case
            when share_change > 0 then 'up'
            when share_change < 0 then 'down'
            when share_change = 0 then 'flat'
        end as share_trend
    from with_trend
)

select * from final

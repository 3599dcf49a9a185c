{#-
    Customer segments, RFM and priority per real customer × as-of month (KPI_DEFINITIONS
    "Activities and customers"). A real customer is a customer_master_key: one customer even
    when both CRMs hold it; name and owner are those of its master record's latest version. Each month is seen as of its last day (the as-of date for the
    current month), over the trailing var kpi_segment_window_months (12) months:

        revenue_12m / orders_12m / recency_days    monetary, frequency, recency
        high_value   top var kpi_segment_high_value_share (20%) of customers with revenue_12m > 0,
                     by revenue_12m (rank ≤ ceil(share × their number))
        at_risk      bought before, nothing in the last var kpi_segment_at_risk_days (180) days
        lost         bought before, nothing in the last var kpi_segment_lost_days (365) days
        potential    not high-value, weighted open pipeline above the median revenue_12m of the
                     high-value customers × var kpi_segment_potential_factor (0.2)
        general      the rest
    Precedence: lost, at_risk, high_value, potential, general — so a top customer who stopped
    buying shows as at_risk. A customer with only cancelled orders never bought: potential or
    general.

        churn_risk               min(1, recency_days / var kpi_churn_horizon_days (365)); 1 if never
        expected_repeat_revenue  revenue_12m × (1 − churn_risk)
        priority_score           weighted_open_pipeline + expected_repeat_revenue, ranked within
                                 the book of the customer's owner rep (dim_customer.owner_rep_id)

    Open pipeline at a date: opportunities created by then and not closed by then, weighted by
    the default probability (seed stage_mapping) of the stage they were in (stage history);
    without stage history, an opportunity still open today counts at its current probability.
-#}
with

customers as (
    select * from {{ ref('dim_customer') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
    where not is_cancelled
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

stage_history as (
    select * from {{ ref('fct_opportunity_stage_history') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

activities as (
    select * from {{ ref('fct_activities') }}
),

periods as (
    select * from {{ ref('int_targets__periods') }}
    where period_grain = 'month'
        and is_reporting_period
        and to_date_label <> 'future'
),

snapshots as (
    select
        period_start as as_of_month,
        least(period_end, as_of_date) as snapshot_date,
        cast({{ dbt.dateadd('month', -1 * kpi_param('segment_window_months'), 'least(period_end, as_of_date)') }} as date)
            as window_start_exclusive
    from periods
),

real_customers as (
    select
        customer_master_key,
        customer_key,
        customer_name,
        owner_rep_id,
        created_date,
        first_order_date
    from (
        select
            customers.*,
            row_number() over (
                partition by customer_master_key
                order by case when is_master_record then 0 else 1 end, valid_from desc, customer_key
            ) as record_rank
        from customers
    ) as ranked
    where record_rank = 1
),

customer_snapshots as (
    select
        snapshots.*,
        real_customers.customer_master_key,
        real_customers.customer_key,
        real_customers.customer_name,
        real_customers.owner_rep_id
    from snapshots
    cross join real_customers
    where real_customers.created_date is null
        or real_customers.created_date <= snapshots.snapshot_date
        or real_customers.first_order_date <= snapshots.snapshot_date
),

orders_by_day as (
    select customer_master_key, order_date, count(distinct order_key) as orders, sum(revenue_cny) as revenue
    from order_lines
    group by customer_master_key, order_date
),

stage_probabilities as (
    select source_system, stage_code, max(default_probability) as default_probability
    from stage_mapping
    group by source_system, stage_code
),

stage_spells as (
    select
        stage_history.opportunity_key,
        cast(stage_history.entered_at as date) as entered_date,
        cast(stage_history.left_at as date) as exited_date,
        stage_history.stage_group,
        stage_probabilities.default_probability
    from stage_history
    left join stage_probabilities
        on stage_probabilities.source_system = stage_history.source_system
        and stage_probabilities.stage_code = stage_history.stage_code
),

opportunities_with_history as (
    select distinct opportunity_key from stage_history
),

open_spells as (
    select
        opportunities.customer_master_key,
        stage_spells.entered_date,
        stage_spells.exited_date,
        cast(opportunities.amount_cny * stage_spells.default_probability as decimal(38, 10)) as weighted_amount
    from stage_spells
    inner join opportunities
        on opportunities.opportunity_key = stage_spells.opportunity_key
    where stage_spells.stage_group = 'open'
),

{#- Every figure of a customer as of a date is a running total (or running max) over the
    customer's dated events, read at that date: one sort per customer instead of joining every
    snapshot with every earlier order, spell and activity (customers × months × history, which
    grows with the square of the history kept). Only the running values at the boundaries are
    read (the snapshot dates and the window starts, a few dozen dates), so each event is first
    summed into the boundary that closes it (the first boundary on or after its date: a date
    counts its own events) and the sort runs over customer × boundary rows, not over events.
    An event after the last boundary (after the as-of date) counts nowhere. The pipeline adds a
    spell's weighted amount on the day it entered an open stage and takes it off on the day it
    left: open on a date = entered by then and not left by then. -#}
boundaries as (
    select snapshot_date as boundary_date from snapshots
    union
    select window_start_exclusive from snapshots
),

-- a new kind of event adds its days to event_boundaries too: an unmapped day counts nowhere
dated_events as (
    select customer_master_key, order_date as event_date,
        revenue, orders, order_date, cast(null as decimal(38, 10)) as pipeline_change,
        cast(null as {{ dbt.type_timestamp() }}) as activity_at
    from orders_by_day
    union all
    select customer_master_key, entered_date, null, null, null, weighted_amount, null
    from open_spells
    union all
    select customer_master_key, exited_date, null, null, null, -1 * weighted_amount, null
    from open_spells
    where exited_date is not null
    union all
    -- without stage history, an opportunity still open today counts from its creation at its current weight
    select opportunities.customer_master_key, opportunities.created_date, null, null, null,
        opportunities.weighted_amount_cny, null
    from opportunities
    left join opportunities_with_history
        on opportunities_with_history.opportunity_key = opportunities.opportunity_key
    where opportunities_with_history.opportunity_key is null
        and opportunities.is_open
    union all
    select customer_master_key, activity_date, null, null, null, null, activity_at
    from activities
),

{#- every day that may hold an event, read from the tables themselves: days taken from
    dated_events would make it a CTE read twice, which DuckDB materializes whole (39M rows at
    10M order lines). A superset does no harm: this maps days, it counts nothing. -#}
event_boundaries as (
    select event_days.event_date, min(boundaries.boundary_date) as boundary_date
    from (
        select order_date as event_date from {{ ref('fct_order_lines') }}
        union
        select cast(entered_at as date) from {{ ref('fct_opportunity_stage_history') }}
        union
        select cast(left_at as date) from {{ ref('fct_opportunity_stage_history') }}
        union
        select created_date from {{ ref('fct_opportunities') }}
        union
        select activity_date from {{ ref('fct_activities') }}
    ) as event_days
    inner join boundaries
        on boundaries.boundary_date >= event_days.event_date
    group by event_days.event_date
),

events_by_boundary as (
    select
        dated_events.customer_master_key,
        event_boundaries.boundary_date,
        sum(dated_events.revenue) as revenue,
        sum(dated_events.orders) as orders,
        min(dated_events.order_date) as first_order_date,
        max(dated_events.order_date) as last_order_date,
        sum(dated_events.pipeline_change) as pipeline_change,
        max(dated_events.activity_at) as activity_at
    from dated_events
    inner join event_boundaries
        on event_boundaries.event_date = dated_events.event_date
    where dated_events.customer_master_key is not null
    group by dated_events.customer_master_key, event_boundaries.boundary_date
),

{#- the boundaries each customer's snapshots read: its snapshot dates and window starts -#}
customer_boundaries as (
    select customer_master_key, snapshot_date as boundary_date from customer_snapshots
    union
    select customer_master_key, window_start_exclusive from customer_snapshots
),

{#- one row per customer × boundary that holds events or is read (or both) -#}
boundary_rows as (
    select
        coalesce(customer_boundaries.customer_master_key, events_by_boundary.customer_master_key) as customer_master_key,
        coalesce(customer_boundaries.boundary_date, events_by_boundary.boundary_date) as boundary_date,
        events_by_boundary.revenue,
        events_by_boundary.orders,
        events_by_boundary.first_order_date,
        events_by_boundary.last_order_date,
        events_by_boundary.pipeline_change,
        events_by_boundary.activity_at,
        customer_boundaries.customer_master_key is not null as is_read
    from customer_boundaries
    full outer join events_by_boundary
        on events_by_boundary.customer_master_key = customer_boundaries.customer_master_key
        and events_by_boundary.boundary_date = customer_boundaries.boundary_date
),

running as (
    select
        customer_master_key,
        boundary_date,
        is_read,
        {%- for aggregate, column, total in [('sum', 'revenue', 'revenue'), ('sum', 'orders', 'orders'),
                                             ('sum', 'pipeline_change', 'open_pipeline'),
                                             ('min', 'first_order_date', 'first_order_date'),
                                             ('max', 'last_order_date', 'last_order_date'),
                                             ('max', 'activity_at', 'last_activity_at')] %}
        {{ aggregate }}({{ column }}) over (
            partition by customer_master_key
            order by boundary_date
            rows between unbounded preceding and current row
        ) as {{ total }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from boundary_rows
),

running_at_read_boundaries as (
    select * from running where is_read
),

figures as (
    select
        customer_snapshots.*,
        coalesce(at_snapshot.revenue, 0) - coalesce(at_window_start.revenue, 0) as revenue_12m,
        coalesce(at_snapshot.orders, 0) - coalesce(at_window_start.orders, 0) as orders_12m,
        at_snapshot.first_order_date,
        at_snapshot.last_order_date,
        {{ dbt.datediff('at_snapshot.last_order_date', 'customer_snapshots.snapshot_date', 'day') }} as recency_days,
        coalesce(at_snapshot.open_pipeline, 0) as weighted_open_pipeline,
        at_snapshot.last_activity_at as last_follow_up_at
    from customer_snapshots
    inner join running_at_read_boundaries as at_snapshot
        on at_snapshot.customer_master_key = customer_snapshots.customer_master_key
        and at_snapshot.boundary_date = customer_snapshots.snapshot_date
    inner join running_at_read_boundaries as at_window_start
        on at_window_start.customer_master_key = customer_snapshots.customer_master_key
        and at_window_start.boundary_date = customer_snapshots.window_start_exclusive
),

revenue_ranked as (
    select
        figures.*,
        case when revenue_12m > 0 then row_number() over (
            partition by as_of_month, case when revenue_12m > 0 then 1 else 0 end
            order by revenue_12m desc, customer_master_key
        ) end as revenue_rank,
        sum(case when revenue_12m > 0 then 1 else 0 end) over (partition by as_of_month) as buying_customers
    from figures
),

high_value_flagged as (
    select
        revenue_ranked.*,
        coalesce(revenue_rank <= ceiling({{ kpi_param('segment_high_value_share') }} * buying_customers), false)
            as is_top_revenue
    from revenue_ranked
),

potential_thresholds as (
    select
        as_of_month,
        percentile_cont(0.5) within group (order by revenue_12m) * {{ kpi_param('segment_potential_factor') }}
            as potential_pipeline_threshold
    from high_value_flagged
    where is_top_revenue
    group by as_of_month
),

segmented as (
    select
        high_value_flagged.*,
        potential_thresholds.potential_pipeline_threshold,
        case
            when high_value_flagged.last_order_date is not null
                and high_value_flagged.recency_days >= {{ kpi_param('segment_lost_days') }} then 'lost'
            when high_value_flagged.last_order_date is not null
                and high_value_flagged.recency_days >= {{ kpi_param('segment_at_risk_days') }} then 'at_risk'
            when high_value_flagged.is_top_revenue then 'high_value'
            when high_value_flagged.weighted_open_pipeline > potential_thresholds.potential_pipeline_threshold
                then 'potential'
            else 'general'
        end as segment,
        case
            when high_value_flagged.last_order_date is null then 1.0
            else least(1.0, cast(high_value_flagged.recency_days as {{ kpi_type_ratio() }}) / {{ kpi_param('churn_horizon_days') }})
        end as churn_risk
    from high_value_flagged
    left join potential_thresholds
        on potential_thresholds.as_of_month = high_value_flagged.as_of_month
),

scored as (
    select
        segmented.*,
        revenue_12m * (1 - churn_risk) as expected_repeat_revenue,
        weighted_open_pipeline + revenue_12m * (1 - churn_risk) as priority_score
    from segmented
),

final as (
    select
        as_of_month,
        snapshot_date,
        customer_master_key,
        customer_key,
        customer_name,
        owner_rep_id,
        segment,
        cast(revenue_12m as decimal(38, 4)) as revenue_12m,
        cast(orders_12m as {{ dbt.type_bigint() }}) as orders_12m,
        first_order_date,
        last_order_date,
        cast(recency_days as integer) as recency_days,
        cast(revenue_rank as integer) as revenue_rank,
        is_top_revenue,
        cast(weighted_open_pipeline as decimal(38, 4)) as weighted_open_pipeline,
        cast(potential_pipeline_threshold as decimal(38, 4)) as potential_pipeline_threshold,
        cast(churn_risk as {{ kpi_type_ratio() }}) as churn_risk,
        cast(expected_repeat_revenue as decimal(38, 4)) as expected_repeat_revenue,
        cast(priority_score as decimal(38, 4)) as priority_score,
        -- equal scores: the larger weighted open pipeline first; equal on both: one shared rank
        cast(rank() over (
            partition by as_of_month, owner_rep_id
            order by priority_score desc, weighted_open_pipeline desc
        ) as integer) as priority_rank_in_book,
        last_follow_up_at
    from scored
)

select * from final

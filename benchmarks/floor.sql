-- The floor of benchmarks/build_scale.py: what the core of the nightly build costs when written
-- by hand as one DuckDB script over the raw zone ({raw}), with none of the project's checks,
-- history, attribution rules or KPI marts. The build is measured against it as a ratio.
--   fct_order_lines   newest version of each line (by modified time, then load), the order's
--                     currency converted at the month's rate, the rep and region of the
--                     roster assignment valid on the order date
--   rep_month_revenue kpi_attainment's actual: revenue per rep × month
--   rep_scorecard     revenue, orders, new customers and activities per rep × month

create temp table roster as
select *
from read_parquet('{raw}/sheets/sales_roster/*.parquet', union_by_name = true)
qualify row_number() over (partition by rep_id, valid_from order by _load_id desc) = 1;

create temp table fx as
select cast(strptime(month, '%Y-%m') as date) as rate_month, currency, rate_to_cny
from read_parquet('{raw}/sheets/fx_rates/*.parquet', union_by_name = true)
qualify row_number() over (partition by month, currency order by _load_id desc) = 1;

-- Zoho exports an order's lines as repeated rows: the newest load of the order holds its lines.
create temp table zoho_lines as
select *
from read_parquet('{raw}/zoho/sales_orders/*.parquet', union_by_name = true)
qualify dense_rank() over (partition by record_id order by modified_time desc nulls last, _load_id desc) = 1;

create temp table fxiaoke_orders as
select *
from read_parquet('{raw}/fxiaoke/orders/*.parquet', union_by_name = true)
qualify row_number() over (partition by order_no order by last_modified_time desc nulls last, _load_id desc) = 1;

create temp table fxiaoke_lines as
select *
from read_parquet('{raw}/fxiaoke/order_lines/*.parquet', union_by_name = true)
qualify dense_rank() over (partition by order_no order by last_modified_time desc nulls last, _load_id desc) = 1;

create table fct_order_lines as
with lines as (
    select
        'zoho' as source_system, record_id as order_id, cast(_source_row as varchar) as line_no,
        coalesce(order_date, cast(created_time as date)) as order_date, owner, account_name as customer,
        coalesce(currency, 'CNY') as currency, status = 'Cancelled' as is_cancelled,
        coalesce(net_total, quantity * list_price - coalesce(line_discount, 0)) as revenue_local
    from zoho_lines
    union all
    select
        'fxiaoke', o.order_no, cast(l.line_no as varchar), o.order_date, o.owner, o.customer_name,
        coalesce(o.currency, 'CNY'), o.order_status = '已作废' or l.life_status = '作废',
        coalesce(l.subtotal, l.quantity * l.unit_price * coalesce(l.discount_paid, 1)) * coalesce(o.order_discount_paid, 1)
    from fxiaoke_lines as l
    inner join fxiaoke_orders as o on o.order_no = l.order_no
)
select
    lines.*,
    lines.revenue_local * coalesce(fx.rate_to_cny, 1) as revenue_cny,
    roster.rep_id,
    roster.region,
    roster.team
from lines
left join fx
    on fx.currency = lines.currency
    and fx.rate_month = date_trunc('month', lines.order_date)
left join roster
    on lines.owner = case when lines.source_system = 'zoho' then roster.zoho_user else coalesce(roster.fxiaoke_user, roster.rep_name) end
    and lines.order_date between roster.valid_from and coalesce(roster.valid_to, date '9999-12-31');

create table rep_month_revenue as
select rep_id, date_trunc('month', order_date) as month, sum(revenue_cny) as revenue
from fct_order_lines
where not is_cancelled
group by all;

create table rep_scorecard as
with first_orders as (
    select customer, min(order_date) as first_order_date from fct_order_lines where not is_cancelled group by all
),
orders as (
    select
        rep_id, date_trunc('month', order_date) as month,
        sum(revenue_cny) as revenue,
        count(distinct source_system || order_id) as orders,
        count(distinct case when order_date = first_order_date then fct_order_lines.customer end) as new_customers
    from fct_order_lines
    inner join first_orders on first_orders.customer = fct_order_lines.customer
    where not is_cancelled
    group by all
),
activities as (
    select owner, date_trunc('month', call_start_time) as month, count(*) as activities
    from read_parquet('{raw}/zoho/calls/*.parquet', union_by_name = true)
    group by all
    union all
    select owner, date_trunc('month', activity_time), count(*)
    from read_parquet('{raw}/fxiaoke/activities/*.parquet', union_by_name = true)
    group by all
)
select orders.*, sum(activities.activities) as activities
from orders
left join roster on roster.rep_id = orders.rep_id and roster.valid_to is null
left join activities
    on activities.month = orders.month
    and activities.owner in (roster.zoho_user, roster.fxiaoke_user, roster.rep_name)
group by all;

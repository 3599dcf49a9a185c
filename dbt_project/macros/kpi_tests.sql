{#-
    A model-level test: `columns` form the primary key — none of them null, no two rows alike.
    Failing rows are the offending key values with how many rows carry them.
-#}
{% test kpi_primary_key(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
    or {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}

{#-
    Property of an additive figure: the rows of scope_type `child` add up to the row of their
    parent scope (`parent`, matched by parent_column, or the single parent row when parent_column
    is none) for every value of `by` (period, metric …), within `tolerance`. Failing rows: the
    group with the parent's value and the children's sum.
-#}
{% test kpi_children_sum_to_parent(model, column_name, by, child='region', parent='company', parent_column=none, tolerance=0.01) %}

with

children as (
    select
        {% for column in by %}{{ column }}, {% endfor %}
        {{ parent_column if parent_column else "'" ~ parent ~ "'" }} as parent_id,
        sum({{ column_name }}) as children_sum
    from {{ model }}
    where scope_type = '{{ child }}'
    group by {% for column in by %}{{ column }}, {% endfor %}{{ parent_column if parent_column else "'" ~ parent ~ "'" }}
),

parents as (
    select
        {% for column in by %}{{ column }}, {% endfor %}
        scope_id as parent_id,
        {{ column_name }} as parent_value
    from {{ model }}
    where scope_type = '{{ parent }}'
)

select
    {% for column in by %}coalesce(parents.{{ column }}, children.{{ column }}) as {{ column }}, {% endfor %}
    coalesce(parents.parent_id, children.parent_id) as parent_id,
    parents.parent_value,
    children.children_sum
from parents
full outer join children
    on {% for column in by %}parents.{{ column }} = children.{{ column }} and {% endfor %}parents.parent_id = children.parent_id
where abs(coalesce(parents.parent_value, 0) - coalesce(children.children_sum, 0)) > {{ tolerance }}

{% endtest %}

{#-
    Property of derived targets (KPI_DEFINITIONS "Targets"): a target decomposed once to months
    adds up at every grain. For every scope and metric, the months of a quarter sum to the
    quarter and the quarters of a year to the year, wherever the family holds a derived target
    (a family of only given targets is the sheet's, checked by kpi_targets.is_children_mismatch;
    one with given children too). Rep months of a month sum to the
    region months they were split from, where no rep's month target is given. Failing rows: the
    family, the parent and the children's sum.
-#}
{% test kpi_targets_add_up(model, rep_shares, tolerance=0.01) %}

with

targets as (
    select * from {{ model }}
),

periods as (
    select distinct month_start, quarter_start, year_start from {{ ref('int_targets__calendar') }}
),

edges as (
    select distinct 'quarter' as parent_grain, quarter_start as parent_start, 'month' as child_grain, month_start as child_start
    from periods
    union all
    select distinct 'year', year_start, 'quarter', quarter_start
    from periods
),

time_families as (
    select
        parents.scope_type,
        parents.scope_id,
        parents.metric,
        edges.parent_grain,
        edges.parent_start,
        max(parents.target_value) as parent_value,
        sum(children.target_value) as children_sum,
        max(case when parents.target_source in ('explicit', 'rollup') then 0 else 1 end)
            + sum(case when children.target_source in ('explicit', 'rollup') then 0 else 1 end) as derived_members,
        sum(case when children.target_source in ('explicit', 'rollup') then 1 else 0 end) as given_children
    from targets as parents
    inner join edges
        on edges.parent_grain = parents.period_grain
        and edges.parent_start = parents.period_start
    inner join targets as children
        on children.period_grain = edges.child_grain
        and children.period_start = edges.child_start
        and children.scope_type = parents.scope_type
        and children.scope_id = parents.scope_id
        and children.metric = parents.metric
    where parents.metric in {{ kpi_sql_list(kpi_param('additive_target_metrics')) }}
    group by 1, 2, 3, 4, 5
),

members as (
    select distinct period_start, region_code, rep_id from {{ rep_shares }}
),

region_months as (
    select targets.period_start, targets.metric, sum(targets.target_value) as region_sum
    from targets
    where targets.period_grain = 'month'
        and targets.scope_type = 'region'
        and exists (select 1 from members where members.period_start = targets.period_start and members.region_code = targets.scope_id)
    group by 1, 2
),

rep_months as (
    select
        period_start,
        metric,
        sum(target_value) as rep_sum,
        sum(case when target_source in ('explicit', 'rollup') then 1 else 0 end) as given_reps
    from targets
    where period_grain = 'month'
        and scope_type = 'rep'
    group by 1, 2
)

select
    scope_type, scope_id, metric, parent_grain, parent_start, parent_value, children_sum
from time_families
where derived_members > 0
    and given_children = 0
    and abs(parent_value - children_sum) > {{ tolerance }}
union all
select
    'company', 'reps of the regions', region_months.metric, 'month', region_months.period_start,
    region_months.region_sum, rep_months.rep_sum
from region_months
inner join rep_months
    on rep_months.period_start = region_months.period_start
    and rep_months.metric = region_months.metric
where rep_months.given_reps = 0
    and abs(region_months.region_sum - rep_months.rep_sum) > {{ tolerance }}

{% endtest %}

{#- Nothing is known of a period not begun: the column is null on every row whose period lies
    after the as-of date (to_date_label 'future', or the labels given). Failing rows: those that
    hold a value. -#}
{% test kpi_null_in_future(model, column_name, to_date_labels=['future']) %}

select *
from {{ model }}
where to_date_label in {{ kpi_sql_list(to_date_labels) }}
    and {{ column_name }} is not null

{% endtest %}

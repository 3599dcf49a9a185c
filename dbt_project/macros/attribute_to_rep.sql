{#-
    Who a fact belongs to (KPI_DEFINITIONS "Scope": a rep belongs to the team and region valid on
    the date of the fact), in one place for int_orders, int_opportunities, int_activities,
    int_quotes, fct_payments and kpi_revenue_vs_target_monthly (a rep × month, dated its last day).
    Every fact lands in exactly one region and team:

        1. the rep's roster assignment on the fact's date (int_reps, valid_from .. valid_to);
        2. else (after the rep left, or an owner the roster does not know) the assignment on that
           date of the customer's owner on that date: the customer record's version in force
           on the fact's day (int_customer_versions, from the customers snapshot: the version
           whose valid_from date <= fact date < its valid_to date, so the last version of a day
           holds that day; a fact older than the record's first version takes the first), not
           today's owner — a customer handed over after the fact keeps the fact where it was;
        3. else the rep's last assignment.

    attribution_joins goes after `from <fact>` (fact_date: a date column of it); attribution_columns()
    in the select list gives rep_key (the rep's row on the date, else the rep's last), region_code,
    region_name, team (or the columns given) and attribution_basis (rep_on_date,
    customer_owner_on_date, rep_last_assignment; null when neither rep nor customer owner is known).
-#}
{% macro attribution_joins(fact, fact_date, rep_id='rep_id', customer_key='customer_key') %}
    {%- set on_date = fact ~ '.' ~ fact_date %}
    left join {{ ref('int_reps') }} as rep_on_date
        on rep_on_date.rep_id = {{ fact }}.{{ rep_id }}
        and {{ on_date }} >= rep_on_date.valid_from
        and (rep_on_date.valid_to is null or {{ on_date }} <= rep_on_date.valid_to)
    left join {{ ref('int_reps') }} as rep_last_assignment
        on rep_last_assignment.rep_id = {{ fact }}.{{ rep_id }}
        and rep_last_assignment.is_last_assignment
    left join {{ ref('int_customer_versions') }} as fact_customer
        on rep_on_date.rep_key is null
        and fact_customer.customer_key = {{ fact }}.{{ customer_key }}
        and (fact_customer.version_number = 1 or {{ on_date }} >= cast(fact_customer.valid_from as date))
        and (fact_customer.valid_to is null or {{ on_date }} < cast(fact_customer.valid_to as date))
    left join {{ ref('int_reps') }} as customer_owner_on_date
        on rep_on_date.rep_key is null
        and customer_owner_on_date.rep_id = fact_customer.owner_rep_id
        and {{ on_date }} >= customer_owner_on_date.valid_from
        and (customer_owner_on_date.valid_to is null or {{ on_date }} <= customer_owner_on_date.valid_to)
{%- endmacro %}

{% macro attribution_columns(columns=['region_code', 'region_name', 'team']) %}
    {%- set basis = "case when rep_on_date.rep_key is not null then 'rep_on_date'"
        ~ " when customer_owner_on_date.rep_key is not null then 'customer_owner_on_date'"
        ~ " when rep_last_assignment.rep_key is not null then 'rep_last_assignment' end" -%}
        coalesce(rep_on_date.rep_key, rep_last_assignment.rep_key) as rep_key,
        {%- for column in columns %}
        {{ attributed(column) }} as {{ column }},
        {%- endfor %}
        {{ basis }} as attribution_basis
{%- endmacro %}

{#- One roster column (region_code, team…) of the assignment the fact belongs to, as an
    expression over attribution_joins. -#}
{% macro attributed(column) -%}
    case when rep_on_date.rep_key is not null then rep_on_date.{{ column }}
            when customer_owner_on_date.rep_key is not null then customer_owner_on_date.{{ column }}
            else rep_last_assignment.{{ column }} end
{%- endmacro %}

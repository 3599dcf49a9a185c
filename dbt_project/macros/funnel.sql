{#- The funnel's entries (int_funnel__stage_entries, or quote requests: rep_id, customer_key,
    entered_date) in every scope they count for — company, the opportunity's owner rep, and the
    region and team the entry belongs to on the day it was entered, by the one attribution rule
    (macro attribution_joins: the rep's assignment on that day, else the customer's owner's, else
    the rep's last) — and every reporting period (`periods`, int_targets__periods) they were
    entered in: what kpi_funnel counts and int_funnel__stage_medians takes the median of,
    expanded the same way for both.

    The attribution is joined here, to the entries as read from their table: joined inside the
    CTEs that compute the entries, DuckDB misjudged their size and built its hash table on the
    10M entries instead of the roster (every entry under one of a few dozen keys), which did not
    fit 3 GiB at 10M order lines. It is joined in the region and team branches of the union
    each: a shared CTE would be materialized whole. -#}
{#- (scope_type, the scope id's expression, whether it needs attribution_joins) -#}
{% macro funnel_scopes(entries) -%}
    {{ return([
        ('company', "'company'", false),
        ('region', attributed('region_code'), true),
        ('team', attributed('team'), true),
        ('rep', entries ~ '.rep_id', false),
    ]) }}
{%- endmacro %}

{% macro funnel_in_periods(entries, periods) -%}
    select
        periods.period_grain,
        periods.period_start,
        entries_by_scope.*
    from (
        {% for scope_type, scope_id, attributes in funnel_scopes(entries) %}
        select '{{ scope_type }}' as scope_type, {{ scope_id }} as scope_id, {{ entries }}.*
        from {{ entries }}
        {% if attributes -%}
        {{ attribution_joins(entries, 'entered_date') }}
        {%- endif %}
        where {{ scope_id }} is not null
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as entries_by_scope
    inner join {{ periods }} as periods
        on entries_by_scope.entered_date between periods.period_start and periods.period_end
{%- endmacro %}

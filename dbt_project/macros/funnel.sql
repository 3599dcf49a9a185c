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
    fit 3 GiB at 10M order lines. Each entry is attributed once, then repeated for the four
    scope types by a cross join (a CTE read four times would be materialized whole). -#}
{% macro funnel_in_periods(entries, periods) -%}
    select
        periods.period_grain,
        periods.period_start,
        entries_by_scope.*
    from (
        select
            scope_types.scope_type,
            case scope_types.scope_type
                when 'company' then 'company'
                when 'region' then attributed.region_code
                when 'team' then attributed.team
                else attributed.rep_id
            end as scope_id,
            attributed.*
        from (
            select
                {{ entries }}.*,
                {{ attributed('region_code') }} as region_code,
                {{ attributed('team') }} as team
            from {{ entries }}
            {{ attribution_joins(entries, 'entered_date') }}
        ) as attributed
        cross join (
            select 'company' as scope_type
            union all select 'region'
            union all select 'team'
            union all select 'rep'
        ) as scope_types
    ) as entries_by_scope
    inner join {{ periods }} as periods
        on entries_by_scope.entered_date between periods.period_start and periods.period_end
    where entries_by_scope.scope_id is not null
{%- endmacro %}

{#- The funnel's entries (int_funnel__stage_entries, or quote requests: rep_id, entered_date)
    in every scope they count for — company, the opportunity's owner rep, and the region and team
    of the rep's assignment on the day of the entry — and every reporting period (`periods`,
    int_targets__periods) they were entered in: what kpi_funnel counts and
    int_funnel__stage_medians takes the median of, expanded the same way for both.

    The rep's assignment is joined here, to the entries as read from their table: joined inside
    the CTEs that compute the entries, DuckDB misjudged their size and built its hash table on
    the 10M entries instead of the roster (every entry under one of a few dozen keys), which did
    not fit 3 GiB at 10M order lines. -#}
{% macro funnel_scope_columns() -%}
    {{ return([('company', "'company'"), ('region', 'region_code'), ('team', 'team'), ('rep', 'rep_id')]) }}
{%- endmacro %}

{% macro funnel_in_periods(entries, periods) -%}
    select
        periods.period_grain,
        periods.period_start,
        entries_by_scope.*
    from (
        {% for scope_type, scope_column in funnel_scope_columns() %}
        select '{{ scope_type }}' as scope_type, {{ scope_column }} as scope_id, attributed.*
        from (
            select
                {{ entries }}.*,
                funnel_reps.region_code,
                funnel_reps.team
            from {{ entries }}
            left join {{ ref('dim_rep') }} as funnel_reps
                on funnel_reps.rep_id = {{ entries }}.rep_id
                and {{ entries }}.entered_date between funnel_reps.valid_from
                    and coalesce(funnel_reps.valid_to, {{ entries }}.entered_date)
        ) as attributed
        where {{ scope_column }} is not null
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as entries_by_scope
    inner join {{ periods }} as periods
        on entries_by_scope.entered_date between periods.period_start and periods.period_end
{%- endmacro %}

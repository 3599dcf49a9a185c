{#- Whether a date falls in one of the spans a reporting period is compared over, as defined once
    in int_targets__periods (imported as `periods`):
        period                   period_start .. min(period_end, as_of_date)
        previous_period          the whole previous period
        previous_period_to_date  like for like: the whole previous period when this one is complete,
                                 else as many days from its start as have elapsed in this one
        last_year                the whole same calendar period one year earlier
        last_year_to_date        like for like, as previous_period_to_date, one year earlier -#}
{% macro in_period_span(date_column, span, periods='periods') -%}
    {%- set bounds = {
        'period': ('period_start', 'to_date_end'),
        'previous_period': ('previous_period_start', 'previous_period_end'),
        'previous_period_to_date': ('previous_period_start', 'previous_period_to_date_end'),
        'last_year': ('last_year_period_start', 'last_year_period_end'),
        'last_year_to_date': ('last_year_period_start', 'last_year_to_date_end'),
    } -%}
    {%- if span not in bounds -%}
        {{ exceptions.raise_compiler_error('in_period_span: unknown span ' ~ span) }}
    {%- endif -%}
    ({{ date_column }} between {{ periods }}.{{ bounds[span][0] }} and {{ periods }}.{{ bounds[span][1] }})
{%- endmacro %}

{#- The join condition that brings every fact a period's spans can need: from the earlier of the
    previous period's and last year's start to the period's end. -#}
{% macro in_period_reach(date_column, periods='periods') -%}
    ({{ date_column }} >= least({{ periods }}.previous_period_start, {{ periods }}.last_year_period_start)
        and {{ date_column }} <= {{ periods }}.period_end)
{%- endmacro %}

{#-
    The stage columns of a CRM stage joined to seed stage_mapping (as `mapping`). A stage the seed
    does not know never stops the night: the CRM's own probability decides where it is final
    (100 % won, 0 % lost, as Zoho and Fxiaoke set it on closed stages), else it counts as open,
    stage_code 'unmapped'. mapped_stage_code keeps the seed's answer alone, for the warning test
    that names the stage and the seed to edit.
    mapping may be a list of aliases of the seed, the first that matches wins (a row for the
    record's pipeline before a row for every pipeline: stg_crm__opportunities).
-#}
{% macro mapped_stage(mapping, source_stage, probability='cast(null as decimal(9, 6))') -%}
    {{ seed_value(mapping, 'stage_code') }} as mapped_stage_code,
    coalesce(
        {{ seed_value(mapping, 'stage_code') }},
        case when {{ probability }} >= 1 then 'won' when {{ probability }} <= 0 then 'lost' else 'unmapped' end
    ) as stage_code,
    coalesce({{ seed_value(mapping, 'stage_name') }}, {{ source_stage }}) as stage_name,
    coalesce(
        {{ seed_value(mapping, 'stage_group') }},
        case when {{ probability }} >= 1 then 'won' when {{ probability }} <= 0 then 'lost' else 'open' end
    ) as stage_group,
    {{ seed_value(mapping, 'stage_order') }} as stage_order
{%- endmacro %}

{#- column of the first seed alias that matched: `a.col`, or coalesce(a.col, b.col, …) -#}
{% macro seed_value(mapping, column) -%}
    {%- set aliases = [mapping] if mapping is string else mapping -%}
    {%- set columns = [] -%}
    {%- for alias in aliases %}{% do columns.append(alias ~ '.' ~ column) %}{% endfor -%}
    {{ columns[0] if columns | length == 1 else 'coalesce(' ~ columns | join(', ') ~ ')' }}
{%- endmacro %}

{#- The seed's rows for a canonical-CRM record's stage, as aliases pipeline_stage (a row for the
    record's pipeline) and any_pipeline_stage (a row for every pipeline): pass
    ['pipeline_stage', 'any_pipeline_stage'] to mapped_stage. Used after `from <relation>` in a
    model that imports seed stage_mapping as `stage_mapping`. -#}
{% macro join_pipeline_stages(relation) %}
    left join stage_mapping as pipeline_stage
        on pipeline_stage.source_system = {{ relation }}.source_system
        and {{ match_key('pipeline_stage.pipeline') }} = {{ match_key(relation ~ '.pipeline') }}
        and {{ match_key('pipeline_stage.source_stage') }} = {{ match_key(relation ~ '.source_stage') }}
    left join stage_mapping as any_pipeline_stage
        on any_pipeline_stage.source_system = {{ relation }}.source_system
        and any_pipeline_stage.pipeline is null
        and {{ match_key('any_pipeline_stage.source_stage') }} = {{ match_key(relation ~ '.source_stage') }}
{%- endmacro %}

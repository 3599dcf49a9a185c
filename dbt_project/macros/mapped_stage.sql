{#-
    The stage columns of a CRM stage joined to seed stage_mapping (as `mapping`). A stage the seed
    does not know never stops the night: the CRM's own probability decides where it is final
    (100 % won, 0 % lost, as Zoho and Fxiaoke set it on closed stages), else it counts as open,
    stage_code 'unmapped'. mapped_stage_code keeps the seed's answer alone, for the warning test
    that names the stage and the seed to edit.
-#}
{% macro mapped_stage(mapping, source_stage, probability='cast(null as decimal(9, 6))') -%}
    {{ mapping }}.stage_code as mapped_stage_code,
    coalesce(
        {{ mapping }}.stage_code,
        case when {{ probability }} >= 1 then 'won' when {{ probability }} <= 0 then 'lost' else 'unmapped' end
    ) as stage_code,
    coalesce({{ mapping }}.stage_name, {{ source_stage }}) as stage_name,
    coalesce(
        {{ mapping }}.stage_group,
        case when {{ probability }} >= 1 then 'won' when {{ probability }} <= 0 then 'lost' else 'open' end
    ) as stage_group,
    {{ mapping }}.stage_order
{%- endmacro %}

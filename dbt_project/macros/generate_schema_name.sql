{#- Schemas are the layer names themselves (staging, intermediate, marts, seeds, snapshots),
    not <target schema>_<layer>: BI tools and the publish step read `marts` by name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- Key used to match a free-text source value against a mapping seed: trimmed, lower case. -#}
{% macro match_key(expression) -%}
    lower(trim({{ expression }}))
{%- endmacro %}

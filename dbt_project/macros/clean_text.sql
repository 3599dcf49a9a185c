{#- Key used to match a free-text source value against a mapping seed: trimmed, lower case. -#}
{% macro match_key(expression) -%}
    lower(trim({{ expression }}))
{%- endmacro %}

{#- A place name as people write it, for matching seed region_mapping: case, spaces, apostrophes
    and hyphens ignored, and a trailing 省 / 市 / 自治区 / 特别行政区 / Province / City dropped,
    so 浙江省 = 浙江 = ZHEJIANG and 杭州市 = Hangzhou City = hangzhou match one seed row. -#}
{% macro place_key(expression) -%}
    regexp_replace(
        lower(replace(replace(replace(trim({{ expression }}), ' ', ''), '''', ''), '-', '')),
        '(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|province|city|省|市)$',
        ''
    )
{%- endmacro %}

{#- ISO currency code of a source value; blank means the default currency (var default_currency). -#}
{% macro normalize_currency(expression) -%}
    case upper(trim(coalesce({{ expression }}, '')))
        when '' then '{{ var("default_currency") }}'
        when 'RMB' then 'CNY'
        when '人民币' then 'CNY'
        when '¥' then 'CNY'
        when '￥' then 'CNY'
        when '美元' then 'USD'
        when '$' then 'USD'
        when '欧元' then 'EUR'
        when '港币' then 'HKD'
        when '港元' then 'HKD'
        when '日元' then 'JPY'
        else upper(trim({{ expression }}))
    end
{%- endmacro %}

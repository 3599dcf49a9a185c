{#-
    A line's revenue before order-level discounts: the CRM's own line amount after discount when
    the export carries it (Zoho Net Total less the line's tax, Fxiaoke 小计) — it is what the
    customer is billed, to the cent — else recomputed from quantity, price and discount.
-#}
{% macro crm_line_net(crm_net, recomputed, line_tax='null') -%}
    coalesce({{ crm_net }} - coalesce({{ line_tax }}, 0), {{ recomputed }})
{%- endmacro %}

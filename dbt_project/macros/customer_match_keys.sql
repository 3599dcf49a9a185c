{#-
    Keys that match the same real customer across CRMs (int_customer_matches): one normalisation
    step per macro. The two functions dbt has no cross-database macro for (character translation,
    regular expressions) dispatch, with a portable default__; another adapter overrides only those.
-#}

{#- Full-width ASCII (ＡＢＣ１２３（）) and the ideographic space → half-width: the part of Unicode
    NFKC that matters for names and ids typed on Chinese keyboards. translate() exists on DuckDB,
    Postgres, Spark, Snowflake and BigQuery. -#}
{% macro fold_full_width(expression) -%}
    {{ return(adapter.dispatch('fold_full_width')(expression)) }}
{%- endmacro %}

{% macro default__fold_full_width(expression) -%}
    translate({{ expression }}, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　', '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ')
{%- endmacro %}

{#- Every match of a regular expression replaced. Patterns here avoid backslashes (Spark string
    literals would eat them): use [.] and [ ] rather than \. and \s. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(expression, pattern, replacement)) }}
{%- endmacro %}

{#- Spark, Snowflake, BigQuery: regexp_replace replaces every match. -#}
{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- DuckDB and Postgres replace the first match only, unless given flag 'g'. -#}
{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#-
    Company name as a match key: full-width folded, lower case, one legal-form suffix of var
    company_name_suffixes removed from the end (股份有限公司, 有限公司, Co., Ltd., Inc. …; a Latin
    suffix only after a space or punctuation, so "Zinc" keeps its "inc"), then spaces and
    punctuation removed. 上海星辰科技有限公司 → 上海星辰科技; "Globex Co., Ltd." → globex.
-#}
{% macro normalized_company_name(expression) -%}
    {%- set cjk = [] -%}
    {%- set latin = [] -%}
    {%- set by_length = [] -%}
    {%- for suffix in var('company_name_suffixes') -%}
        {%- do by_length.append([suffix | length, suffix]) -%}
    {%- endfor -%}
    {%- for suffix in by_length | sort(reverse=true) | map(attribute=1) -%}
        {%- set pattern = suffix | lower | replace('.', '[.]') | replace(',', '[,]') | replace('(', '[(]') | replace(')', '[)]') | replace(' ', '[ ]*') | replace("'", "''") -%}
        {%- if suffix[0] in 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' -%}
            {%- do latin.append(pattern) -%}
        {%- else -%}
            {%- do cjk.append(pattern) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set alternatives = cjk -%}
    {%- if latin -%}
        {%- do alternatives.append('(^|[^a-z0-9])(' ~ latin | join('|') ~ ')') -%}
    {%- endif -%}
    {%- set ns = namespace(sql=regexp_replace_all('lower(trim(' ~ fold_full_width(expression) ~ '))', '(' ~ alternatives | join('|') ~ ')[ .,]*$', '')) -%}
    {%- for mark in [' ', '.', ',', '(', ')', '-', '&', '·', '、', '。', '"'] -%}
        {%- set ns.sql = dbt.replace(ns.sql, "'" ~ mark ~ "'", "''") -%}
    {%- endfor -%}
    nullif({{ ns.sql }}, '')
{%- endmacro %}

{#- Phone as a match key: its digits without the country code (86, 0086) and the trunk 0, so
    021-71646208, +86 21 7164 6208 and 0086 21 71646208 agree. Null below 7 digits. -#}
{% macro normalized_phone(expression) -%}
    {%- set digits = regexp_replace_all(expression, '[^0-9]', '') -%}
    {%- set national = "case when " ~ digits ~ " like '0086%' then substring(" ~ digits ~ ", 5)"
        ~ " when " ~ digits ~ " like '86%' and " ~ dbt.length(digits) ~ " >= 12 then substring(" ~ digits ~ ", 3)"
        ~ " when " ~ digits ~ " like '0%' then substring(" ~ digits ~ ", 2)"
        ~ " else " ~ digits ~ " end" -%}
    case when {{ dbt.length(national) }} >= 7 then {{ national }} end
{%- endmacro %}

{#- Tax id (统一社会信用代码) as a match key: full-width folded, upper case, no spaces or dashes. -#}
{% macro normalized_tax_id(expression) -%}
    nullif({{ regexp_replace_all('upper(' ~ fold_full_width(expression) ~ ')', '[^0-9A-Z]', '') }}, '')
{%- endmacro %}

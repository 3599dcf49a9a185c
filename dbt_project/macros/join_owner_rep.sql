{#- The rule that turns a CRM record's owner into a rep of the roster, in one place: by the
    owner's CRM user id where the export carries one, else by the normalised user name. Used
    after `from <relation>` in a model that imports int_rep_lookup as `rep_lookup`; select
    coalesce(rep_by_id.rep_id, rep_by_name.rep_id). -#}
{% macro join_owner_rep(relation, owner_id='owner_id', owner_name='owner_name') %}
    left join rep_lookup as rep_by_id
        on rep_by_id.source_system = {{ relation }}.source_system
        and rep_by_id.lookup_key = {{ dbt.concat(["'id:'", relation ~ '.' ~ owner_id]) }}
    left join rep_lookup as rep_by_name
        on rep_by_name.source_system = {{ relation }}.source_system
        and rep_by_name.lookup_key = {{ match_key(relation ~ '.' ~ owner_name) }}
{%- endmacro %}

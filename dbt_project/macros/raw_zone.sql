{#-
    How each engine reads the Parquet raw zone ($SALESDW_HOME/raw/<source>/<entity>/*.parquet).
    DuckDB renders a source as its meta.external_location (read_parquet, union_by_name). Spark
    has no such hook: register_raw_sources (on-run-start) makes every source an external table
    <source>.<table> over the same files, with the columns and types of the source's YAML (the
    raw-zone contract; Spark skips the zero-row _schema.parquet, a name starting with _, so the
    schema cannot be inferred from the files), so source() resolves to it unchanged. An external
    table (path option) never owns data: dropping it keeps the files.
-#}
{% macro raw_parquet(path) -%}
    {{ return(adapter.dispatch('raw_parquet', 'salesdw')(path)) }}
{%- endmacro %}

{% macro default__raw_parquet(path) -%}
    read_parquet('{{ path }}', union_by_name = true)
{%- endmacro %}

{% macro spark__raw_parquet(path) -%}
    parquet.`{{ path }}`
{%- endmacro %}

{#- The glob a source table reads: {name} of meta.external_location is the table name. Source
    `crm` is every CRM of var crm_sources (a Hadoop glob alternation, {salesforce,hubspot}). -#}
{% macro raw_zone_glob(source_name, table_name) -%}
    {%- set folder = '{' ~ var('crm_sources') | join(',') ~ '}' if source_name == 'crm' else source_name -%}
    {{ env_var('SALESDW_HOME', 'warehouse') }}/raw/{{ folder }}/{{ table_name }}/*.parquet
{%- endmacro %}

{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'salesdw')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set registered = [] -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- if node.source_name not in registered -%}
                {%- do run_query('create database if not exists ' ~ node.source_name) -%}
                {%- do registered.append(node.source_name) -%}
            {%- endif -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append('`' ~ column.name ~ '` ' ~ (column.data_type | replace('varchar', 'string'))) -%}
            {%- endfor -%}
            {%- set relation = node.source_name ~ '.' ~ node.name -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ') using parquet options (path '
                ~ "'" ~ raw_zone_glob(node.source_name, node.name) | trim ~ "')"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- Batches whose deletions the user accepted (ledger column deletions_accepted), quoted. -#}
{% macro accepted_deletion_batches() -%}
    {%- set ledger = env_var('SALESDW_HOME', 'warehouse') ~ '/ledger/loads/*.parquet' -%}
    {%- set accepted = [] -%}
    {%- if execute and raw_files_exist(ledger) -%}
        {%- set probe = run_query('select * from ' ~ raw_parquet(ledger) ~ ' limit 0') -%}
        {%- if 'deletions_accepted' in probe.column_names -%}
            {%- for row in run_query(
                'select distinct batch_id from ' ~ raw_parquet(ledger) ~ ' where deletions_accepted'
            ).rows -%}
                {%- do accepted.append("'" ~ row[0] ~ "'") -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(accepted) }}
{%- endmacro %}

{#- Whether a glob matches a file (a raw zone written by hand may have no ledger yet). -#}
{% macro raw_files_exist(path) -%}
    {{ return(adapter.dispatch('raw_files_exist', 'salesdw')(path)) }}
{%- endmacro %}

{% macro default__raw_files_exist(path) -%}
    {{ return(run_query("select count(*) from glob('" ~ path ~ "')").rows[0][0] > 0) }}
{%- endmacro %}

{#- Spark SQL cannot list a folder: on Spark the raw zone must come from the ingestion, which
    writes the ledger with the first load (a missing ledger fails with the path named). -#}
{% macro spark__raw_files_exist(path) -%}
    {{ return(true) }}
{%- endmacro %}

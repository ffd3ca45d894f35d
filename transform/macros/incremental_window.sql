{#- Where an incremental run's lookback window starts (for one source's rows, or all):
    `lookback_hours` before the later of the newest load of those rows already in the mart and
    the moment its last run read its inputs (`last_read`). A raw row commits within one write of
    its stamp (stratus_postgres.load_time), so a row stamped that long before either was there for
    the run that wrote it. The newest row alone would hold the window still on a quiet source:
    between two Amazon settlements, every run would read the whole last settlement load again. It
    is read before the model's query runs and written into it as a literal, so the planner sees
    how few raw rows it selects (and probes keys by index) rather than guessing for an unknown
    bound. -#}
{% macro lookback_start(source_name=none) -%}
    {%- set query -%}
        select cast(greatest(coalesce(max(_loaded_at), timestamp '1900-01-01'), ({{ last_read() }}))
                    - interval '{{ var("lookback_hours") }} hours' as text)
        from {{ this }}
        {%- if source_name is not none %}
        where source = '{{ source_name }}'
        {%- endif %}
    {%- endset -%}
    {%- if execute -%}
        cast('{{ run_query(query).columns[0].values()[0] }}' as timestamp)
    {%- else -%}
        cast(null as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- When this model's last successful run read its inputs (UTC, as the raw load stamps), or null:
    its transaction's start, recorded by record_last_read in the same transaction as its merge. -#}
{% macro last_read() -%}
    select max(read_at) from {{ last_reads() }} where model = '{{ this.identifier }}'
{%- endmacro %}

{#- Post-hook of every mart (dbt_project.yml), for the incremental ones. -#}
{% macro record_last_read() -%}
    {%- if model.config.materialized == 'incremental' -%}
    insert into {{ last_reads() }} (model, read_at)
    values ('{{ this.identifier }}', now() at time zone 'UTC')
    on conflict (model) do update set read_at = excluded.read_at
    {%- endif -%}
{%- endmacro %}

{#- The table of those moments, one row per model, in a schema of its own (the warehouse schema
    holds the marts alone); created at run start (create_last_reads). -#}
{% macro last_reads() -%}
    {{ generate_schema_name('dbt_state', none) }}.incremental_reads
{%- endmacro %}

{#- Run-start hook of `dbt run` and `dbt build` (one at a time: stratus_postgres.lock). -#}
{% macro create_last_reads() -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
    create schema if not exists {{ generate_schema_name('dbt_state', none) }};
    create table if not exists {{ last_reads() }} (model text primary key, read_at timestamp not null);
    comment on table {{ last_reads() }} is
        'When each incremental mart''s last successful dbt run read its inputs (UTC): its lookback window starts lookback_hours before the later of this and its newest row.'
    {%- endif -%}
{%- endmacro %}

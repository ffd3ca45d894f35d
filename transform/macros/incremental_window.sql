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

{#- When the run of this model before its last one read its inputs, or null: what the hourly tests'
    window starts from (hourly_window). -#}
{% macro previous_read(model_name) -%}
    select previous_read_at from {{ last_reads() }} where model = '{{ model_name }}'
{%- endmacro %}

{#- Post-hook of every mart (dbt_project.yml), for the incremental ones: this run's read, and the
    one before it kept beside it. -#}
{% macro record_last_read() -%}
    {%- if model.config.materialized == 'incremental' -%}
    insert into {{ last_reads() }} as reads (model, read_at)
    values ('{{ this.identifier }}', now() at time zone 'UTC')
    on conflict (model) do update set read_at = excluded.read_at, previous_read_at = reads.read_at
    {%- endif -%}
{%- endmacro %}

{#- The table of those moments, one row per model, in a schema of its own (the warehouse schema
    holds the marts alone); created at run start (create_last_reads). -#}
{% macro last_reads() -%}
    {{ generate_schema_name('dbt_state', none) }}.incremental_reads
{%- endmacro %}

{#- Run-start hook (one writing dbt command at a time: stratus_postgres.lock). Also of the commands
    that only compile (`compile`, `docs generate`): the marts' SQL reads this table, so a warehouse
    upgraded from before it compiles without a run first. -#}
{% macro create_last_reads() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'compile', 'generate', 'test') -%}
    create schema if not exists {{ generate_schema_name('dbt_state', none) }};
    create table if not exists {{ last_reads() }} (model text primary key, read_at timestamp not null);
    {#- A warehouse made before previous_read_at: checked first, as `compile` runs beside a build
        and an alter would wait for the build's transactions. #}
    do $$
    begin
        if not exists (
            select 1 from information_schema.columns
            where table_schema = '{{ generate_schema_name('dbt_state', none) }}'
              and table_name = 'incremental_reads' and column_name = 'previous_read_at'
        ) then
            alter table {{ last_reads() }} add column previous_read_at timestamp;
        end if;
    end
    $$;
    comment on table {{ last_reads() }} is
        'When each incremental mart''s last successful dbt run read its inputs (read_at, UTC): its lookback window starts lookback_hours before the later of this and its newest row; and the read of the run before it (previous_read_at), where the hourly tests'' window starts.'
    {%- endif -%}
{%- endmacro %}

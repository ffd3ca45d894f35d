{#- In an incremental run, keep only staging rows loaded within the lookback window of the
    newest row already in the mart for that source; a full build keeps everything. -#}
{% macro incremental_window(source_name, loaded_at='_loaded_at') -%}
    {%- if is_incremental() %}
    where {{ loaded_at }} > {{ lookback_start(source_name) }}
    {%- endif %}
{%- endmacro %}

{#- Where an incremental run's lookback window starts for one source: `lookback_hours` before
    the newest load of that source's rows already in the mart. It is read before the model's
    query runs and written into it as a literal, so the planner sees how few raw rows it selects
    (and probes keys by index) rather than guessing for an unknown bound. -#}
{% macro lookback_start(source_name) -%}
    {%- set query -%}
        select cast(coalesce(max(_loaded_at), timestamp '1900-01-01') - interval '{{ var("lookback_hours") }} hours' as text)
        from {{ this }}
        where source = '{{ source_name }}'
    {%- endset -%}
    {%- if execute -%}
        cast('{{ run_query(query).columns[0].values()[0] }}' as timestamp)
    {%- else -%}
        cast(null as timestamp)
    {%- endif -%}
{%- endmacro %}

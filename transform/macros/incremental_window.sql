{#- In an incremental run, keep only staging rows loaded within the lookback window of the
    newest row already in the mart for that source; a full build keeps everything. -#}
{% macro incremental_window(source_name, loaded_at='_loaded_at') -%}
    {%- if is_incremental() %}
    where {{ loaded_at }} > (
        select coalesce(max({{ loaded_at }}), timestamptz '1900-01-01')
        from {{ this }}
        where source = '{{ source_name }}'
    ) - interval '{{ var("lookback_hours") }} hours'
    {%- endif %}
{%- endmacro %}

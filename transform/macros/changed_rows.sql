{#- The rows of `relation` for each source, limited in an incremental run to those loaded
    within the lookback window of that source's newest row in the mart. -#}
{% macro changed_rows(relation, sources=('shopify', 'amazon')) -%}
    {%- for source_name in sources %}
    select * from (select * from {{ relation }} where source = '{{ source_name }}') as {{ source_name }}_rows
    {{ incremental_window(source_name) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

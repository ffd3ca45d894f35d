{#- A raw table, or, while it has not been loaded yet (a channel not connected, a stream not
    synced), an empty relation with the columns and types its source declares, so the models
    of the other channel still build. -#}
{% macro raw_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                                              | selectattr('name', 'equalto', table_name) | first -%}
        (select
            {%- for column in node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
            {%- endfor %}
        where false) as {{ source_name }}_{{ table_name }}_not_loaded
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

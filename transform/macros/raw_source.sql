{#- A raw table, or, while it has not been loaded yet (a channel not connected, a stream not
    synced), an empty relation with the columns and types its source declares, so the models
    of the other channel still build. -#}
{% macro raw_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and not raw_loaded(relation) -%}
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

{#- Whether a raw table exists, asked of the catalog itself. Not adapter.get_relation: dbt never
    caches the raw schemas up front (they hold sources, not models), so model threads list them on
    demand and fill the shared cache one relation at a time; a thread looking meanwhile finds the
    schema "cached" without the table, and its model would read the empty stand-in. -#}
{% macro raw_loaded(relation) -%}
    {%- set query -%}
        select count(*) from pg_catalog.pg_class as rel
        join pg_catalog.pg_namespace as ns on ns.oid = rel.relnamespace
        where ns.nspname = '{{ relation.schema }}' and rel.relname = '{{ relation.identifier }}'
          and rel.relkind in ('r', 'p', 'v', 'm', 'f')
    {%- endset -%}
    {{- return(run_query(query).columns[0].values()[0] > 0) -}}
{%- endmacro %}

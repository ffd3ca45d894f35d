{#- An index on `columns` of a table, unless one already leads with those columns (in any name:
    a full build swaps in a new table while the old one, and its index names, still exist). The
    hourly run reads recent rows by load time (the marts' lookback window, the changed orders,
    the hourly tests) and merges a few rows by key; without indexes each of those reads scans
    the whole table, and the run costs what is stored rather than what changed. -#}
{% macro ensure_index(relation, columns, unique=false) -%}
    {%- set name = relation.include(database=false) -%}
    do $$
    begin
        if not exists (
            select 1
            from pg_catalog.pg_index as ix
            where ix.indrelid = '{{ name }}'::regclass
              and (ix.indisunique or not {{ unique }})
              and (
                  select array_agg(att.attname::text order by key.position)
                  from unnest(ix.indkey) with ordinality as key (attnum, position)
                  join pg_catalog.pg_attribute as att on att.attrelid = ix.indrelid and att.attnum = key.attnum
                  where key.position <= {{ columns | length }}
              ) = array[{% for column in columns %}'{{ column }}'{{ ', ' if not loop.last }}{% endfor %}]
        ) then
            create {{ 'unique' if unique }} index on {{ name }} ({{ columns | join(', ') }});
        end if;
    end
    $$
{%- endmacro %}

{#- Post-hook of the incremental marts: their unique key (the merge probes it), `_loaded_at`
    (the lookback window) and the columns in `also` (each a list), those the hourly run looks
    rows up by (the order marts: the order, by which deleted orders are removed). -#}
{% macro index_incremental_mart(unique_key, loaded_at=true, also=[]) -%}
    {{ ensure_index(this, [unique_key], unique=true) }}
    {%- if loaded_at %};
    {{ ensure_index(this, ['_loaded_at']) }}
    {%- endif %}
    {%- for columns in also %};
    {{ ensure_index(this, columns) }}
    {%- endfor %}
{%- endmacro %}

{#- Run-start hook of `dbt run` and `dbt build`: indexes on the raw tables for the hourly run's
    reads, on the tables already loaded. Each staging view passes a filter on its columns down to
    them: the load time (the incremental marts' lookback window, the keys they recompute) and the
    ids of what they recompute. Creating one takes a scan of its table, once. -#}
{% macro index_raw_reads() -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- for source_name, table_name in [
            ('shopify', 'orders'), ('shopify', 'order_line_items'), ('shopify', 'refunds'),
            ('shopify', 'balance_transactions'), ('amazon', 'orders'), ('amazon', 'order_items'),
            ('amazon', 'financial_events'), ('amazon', 'settlement_lines'),
            ('shopify', 'fulfillments'), ('amazon', 'fba_shipments'), ('shipbob', 'orders'),
            ('shipbob', 'shipments'), ('shipbob', 'shipment_products'), ('shipbob', 'invoice_transactions'),
            ('shipbob', 'returns'), ('shipbob', 'return_items'),
        ] -%}
            {%- set relation = raw_relation(source_name, table_name) -%}
            {%- if raw_loaded(relation) %}
    {{ ensure_index(relation, ['_sdc_batched_at']) }};
            {%- endif -%}
        {%- endfor -%}
        {#- By id, as staging spells it, for the marts that recompute given orders, shipments, fee
            lines or payouts (a Shopify id is the number that ends its GID). The ids come as an
            array, which Postgres looks up in an index id by id but, on a table it scans, compares
            with every row id by id: without these, an hour's few thousand ids against a large
            history cost seconds. Amazon's orders and items lead their primary keys with the order id. -#}
        {%- for source_name, table_name, expression, name in [
            ('shopify', 'orders', "split_part(id, '/', 5)", 'order_id'),
            ('shopify', 'order_line_items', "split_part(order_id, '/', 5)", 'order_id'),
            ('shopify', 'refunds', "split_part(order_id, '/', 5)", 'order_id'),
            ('amazon', 'financial_events', 'amazon_order_id', 'order_id'),
            ('shopify', 'fulfillments', "split_part(id, '/', 5)", 'fulfillment_id'),
            ('shopify', 'balance_transactions', "split_part(payout_id, '/', 5)", 'payout_id'),
            ('amazon', 'fba_shipments', 'shipment_id', 'shipment_id'),
            ('shipbob', 'shipment_products', 'cast(shipment_id as text)', 'shipment_id_text'),
            ('shipbob', 'return_items', 'cast(return_id as text)', 'return_id_text'),
            ('shipbob', 'invoice_transactions', 'transaction_id', 'transaction_id'),
            ('shipbob', 'invoice_transactions', 'reference_id', 'reference_id'),
            ('shipbob', 'shipments', 'cast(id as text)', 'shipment_id_text'),
            ('shipbob', 'shipments', 'order_id', 'order_id'),
            ('shipbob', 'returns', 'cast(id as text)', 'return_id_text'),
            ('shipbob', 'returns', 'original_shipment_id', 'original_shipment_id'),
        ] -%}
            {%- set relation = raw_relation(source_name, table_name) -%}
            {%- if raw_loaded(relation) %}
    {{ ensure_raw_expression_index(relation, expression, name) }};
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro raw_relation(source_name, table_name) -%}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                                          | selectattr('name', 'equalto', table_name) | first -%}
    {{- return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier)) -}}
{%- endmacro %}

{#- An index on an expression of a raw table, named for what it gives. The loader merges into a
    raw table and never swaps it for a new one, so the name alone tells the index is there. -#}
{% macro ensure_raw_expression_index(relation, expression, name) -%}
    create index if not exists {{ relation.identifier }}__{{ name }}_idx
        on {{ relation.include(database=false) }} (({{ expression }}))
{%- endmacro %}

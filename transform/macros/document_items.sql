{#- A FreeAgent document's lines (invoice_items, credit_note_items), nested in their document in
    the raw table (they change only with it), one row per line of the document's newest version. -#}
{% macro staged_document_items(table_name, document_id, item_id, items_column) -%}
with documents as (
    {{ latest_rows(raw_source('freeagent', table_name), ['company_id', 'id'], 'updated_at') }}
)

select
    documents.company_id                            as account_id,
    documents.id                                    as {{ document_id }},
    item ->> 'id'                                   as {{ item_id }},
    cast(item ->> 'position' as integer)            as position,
    item ->> 'description'                          as description,
    item ->> 'category_id'                          as nominal_code,
    {{ money("item ->> 'quantity'") }}              as quantity,
    {{ money("item ->> 'price'") }}                 as price,
    {{ money("item ->> 'sales_tax_rate'") }}        as sales_tax_rate,
    documents.currency,
    documents._sdc_batched_at                       as _loaded_at
from documents
cross join lateral unnest(documents.{{ items_column }}) as item
{%- endmacro %}

{#- A FreeAgent document's lines (invoice_items, credit_note_items, bill_items), nested in their
    document in the raw table (they change only with it), one row per line of the document's
    newest version. `amounts`: (column, the line's attribute) pairs, each an exact amount. -#}
{% macro staged_document_items(table_name, document_id, item_id, items_column, amounts) -%}
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
    {%- for column, attribute in amounts %}
    {{ money("item ->> '" ~ attribute ~ "'") }}     as {{ column }},
    {%- endfor %}
    documents.currency,
    documents._sdc_batched_at                       as _loaded_at
from documents
cross join lateral unnest(documents.{{ items_column }}) as item
{%- endmacro %}

{#- The amounts of a sales line (an invoice's or a credit note's). -#}
{% macro sales_line_amounts() -%}
    {{ return([('quantity', 'quantity'), ('price', 'price'), ('sales_tax_rate', 'sales_tax_rate')]) }}
{%- endmacro %}

-- Invoice lines, nested in their invoice in the raw table (they change only with it).
with invoices as (
    {{ latest_rows(raw_source('freeagent', 'invoices'), ['company_id', 'id'], 'updated_at') }}
)

select
    invoices.company_id                             as account_id,
    invoices.id                                     as invoice_id,
    item ->> 'id'                                   as invoice_item_id,
    cast(item ->> 'position' as integer)            as position,
    item ->> 'description'                          as description,
    item ->> 'category_id'                          as nominal_code,
    {{ money("item ->> 'quantity'") }}              as quantity,
    {{ money("item ->> 'price'") }}                 as price,
    {{ money("item ->> 'sales_tax_rate'") }}        as sales_tax_rate,
    invoices.currency,
    invoices._sdc_batched_at                        as _loaded_at
from invoices
cross join lateral unnest(invoices.invoice_items) as item

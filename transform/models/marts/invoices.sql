-- FreeAgent sales invoices (the seller's wholesale business), with their customer and line count.
with items as (
    select account_id, invoice_id, count(*) as item_count
    from {{ ref('stg_freeagent__invoice_items') }}
    group by account_id, invoice_id
)

select
    {{ surrogate_key(["'freeagent'", 'invoices.account_id', 'invoices.invoice_id']) }} as invoice_key,
    'freeagent'                                                         as source,
    invoices.account_id,
    invoices.invoice_id,
    invoices.reference,
    invoices.contact_id,
    coalesce(contacts.contact_name, invoices.contact_name)              as contact_name,
    invoices.dated_on,
    invoices.due_on,
    invoices.paid_on,
    invoices.status,
    invoices.currency,
    invoices.net_value,
    invoices.sales_tax_value,
    invoices.total_value,
    invoices.paid_value,
    invoices.due_value,
    coalesce(items.item_count, 0)                                       as item_count,
    invoices.updated_at,
    invoices._loaded_at
from {{ ref('stg_freeagent__invoices') }} as invoices
left join {{ ref('stg_freeagent__contacts') }} as contacts
    on contacts.account_id = invoices.account_id and contacts.contact_id = invoices.contact_id
left join items
    on items.account_id = invoices.account_id and items.invoice_id = invoices.invoice_id

-- FreeAgent bills from suppliers, one row per bill line with its category (the bill's own
-- totals beside each line, so a bill with several categories is read line by line).
select
    {{ surrogate_key(["'freeagent'", 'bills.account_id', 'bills.bill_id', 'items.bill_item_id']) }} as bill_line_key,
    'freeagent'                                                         as source,
    bills.account_id,
    bills.bill_id,
    items.bill_item_id,
    items.position,
    bills.reference,
    bills.contact_id,
    coalesce(contacts.contact_name, bills.contact_name)                 as supplier_name,
    bills.dated_on,
    bills.due_on,
    bills.paid_on,
    bills.status,
    bills.currency,
    items.description,
    items.nominal_code,
    categories.category_name,
    categories.category_group,
    items.net_value,
    items.sales_tax_value,
    items.total_value,
    bills.total_value                                                   as bill_total_value,
    bills.due_value                                                     as bill_due_value,
    bills.updated_at,
    bills._loaded_at
from {{ ref('stg_freeagent__bills') }} as bills
join {{ ref('stg_freeagent__bill_items') }} as items
    on items.account_id = bills.account_id and items.bill_id = bills.bill_id
left join {{ ref('stg_freeagent__contacts') }} as contacts
    on contacts.account_id = bills.account_id and contacts.contact_id = bills.contact_id
left join {{ ref('stg_freeagent__categories') }} as categories
    on categories.account_id = bills.account_id and categories.nominal_code = items.nominal_code

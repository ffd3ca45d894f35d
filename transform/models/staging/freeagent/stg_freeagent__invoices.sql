with source as (
    {{ latest_rows(raw_source('freeagent', 'invoices'), ['company_id', 'id'], 'updated_at') }}
)

select
    company_id                                      as account_id,
    id                                              as invoice_id,
    contact_id,
    contact_name,
    reference,
    dated_on,
    due_on,
    paid_on,
    status,
    currency,
    {{ money('net_value') }}                        as net_value,
    {{ money('sales_tax_value') }}                  as sales_tax_value,
    {{ money('total_value') }}                      as total_value,
    {{ money('paid_value') }}                       as paid_value,
    {{ money('due_value') }}                        as due_value,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

-- Credit notes: what the company owes back to a customer, against an earlier invoice. FreeAgent
-- gives their values negative (they reduce what the contact owes); kept as it gives them.
with source as (
    {{ latest_rows(raw_source('freeagent', 'credit_notes'), ['company_id', 'id'], 'updated_at') }}
)

select
    company_id                                      as account_id,
    id                                              as credit_note_id,
    contact_id,
    contact_name,
    reference,
    dated_on,
    status,
    currency,
    {{ money('net_value') }}                        as net_value,
    {{ money('sales_tax_value') }}                  as sales_tax_value,
    {{ money('total_value') }}                      as total_value,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('freeagent', 'bank_transaction_explanations'), ['company_id', 'id'], 'synced_at') }}
)

select
    company_id                                      as account_id,
    id                                              as explanation_id,
    bank_transaction_id,
    bank_account_id,
    type                                            as explanation_type,
    category_id                                     as nominal_code,
    paid_invoice_id                                 as invoice_id,
    paid_bill_id                                    as bill_id,
    dated_on,
    {{ money('gross_value') }}                      as gross_value,
    currency,
    description,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('freeagent', 'bank_transactions'), ['company_id', 'id'], 'updated_at') }}
)

select
    company_id                                      as account_id,
    id                                              as bank_transaction_id,
    bank_account_id,
    dated_on,
    {{ money('amount') }}                           as amount,
    {{ money('unexplained_amount') }}               as unexplained_amount,
    currency,
    description,
    transaction_id                                  as bank_reference,
    is_manual,
    {{ to_utc('uploaded_at') }}                     as uploaded_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

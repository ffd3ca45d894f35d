with source as (
    {{ latest_rows(raw_source('shipbob', 'invoices'), ['account_id', 'invoice_id']) }}
)

select
    account_id,
    invoice_id,
    invoice_date,
    invoice_type,
    {{ money('amount') }}                           as amount,
    currency_code,
    {{ money('running_balance') }}                  as running_balance,
    _sdc_batched_at                                 as _loaded_at
from source

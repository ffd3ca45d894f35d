with source as (
    {{ latest_rows(raw_source('shipbob', 'invoice_transactions'), ['account_id', 'invoice_id', 'transaction_id']) }}
)

select
    account_id,
    invoice_id,
    transaction_id,
    {{ money('amount') }}                           as amount,
    currency_code,
    charge_date,
    invoice_date,
    invoice_type,
    invoiced_status,
    reference_id,
    reference_type,
    transaction_fee,
    transaction_type,
    fulfillment_center,
    taxes,
    additional_details,
    _sdc_batched_at                                 as _loaded_at
from source

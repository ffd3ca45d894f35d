with source as (
    {{ latest_rows(raw_source('shipbob', 'transaction_fees'), ['account_id', 'fee']) }}
)

select
    account_id,
    fee,
    is_listed,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shopify', 'balance_transactions'), ['shop', 'id']) }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as balance_transaction_id,
    split_part(payout_id, '/', 5)                   as payout_id,
    split_part(order_id, '/', 5)                    as order_id,
    type                                            as transaction_type,
    source_type,
    adjustment_reason,
    coalesce(test, false)                           as is_test,
    {{ to_utc('transaction_date') }}                as transaction_date,
    currency_code                                   as currency,
    {{ money('amount') }}                           as amount,
    {{ money('fee') }}                              as fee,
    {{ money('net') }}                              as net,
    _sdc_batched_at                                 as _loaded_at
from source

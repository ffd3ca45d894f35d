with source as (
    {{ latest_rows(raw_source('shopify', 'transactions'), ['shop', 'id'], 'order_updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as transaction_id,
    split_part(order_id, '/', 5)                    as order_id,
    kind,
    status,
    gateway,
    coalesce(test, false)                           as is_test,
    error_code,
    payment_id,
    split_part(parent_transaction_id, '/', 5)       as parent_transaction_id,
    currency_code                                   as currency,
    {{ money('amount') }}                           as amount,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('processed_at') }}                    as processed_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shopify', 'payouts'), ['shop', 'id']) }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as payout_id,
    {{ to_utc('issued_at') }}                       as issued_at,
    status,
    transaction_type,
    currency_code                                   as currency,
    {{ money('net') }}                              as net,
    {{ money('charges_gross') }}                    as charges_gross,
    {{ money('charges_fee') }}                      as charges_fee,
    {{ money('refunds_gross') }}                    as refunds_gross,
    {{ money('refunds_fee') }}                      as refunds_fee,
    {{ money('adjustments_gross') }}                as adjustments_gross,
    {{ money('adjustments_fee') }}                  as adjustments_fee,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shopify', 'refunds'), ['shop', 'id'], 'order_updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as refund_id,
    split_part(order_id, '/', 5)                    as order_id,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('processed_at') }}                    as processed_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    note,
    currency_code                                   as currency,
    {{ money('total_refunded') }}                   as total_refunded,
    {{ money('refunded_subtotal') }}                as refunded_subtotal,
    {{ money('refunded_tax') }}                     as refunded_tax,
    {{ money('refunded_shipping') }}                as refunded_shipping,
    {{ money('order_adjustments_amount') }}         as order_adjustments_amount,
    refund_line_items,
    _sdc_batched_at                                 as _loaded_at
from source

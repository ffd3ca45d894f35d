with source as (
    {{ latest_rows(raw_source('shipbob', 'orders'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as order_id,
    channel_id,
    channel_name,
    reference_id,
    order_number,
    status,
    type,
    {{ to_utc('created_date') }}                    as created_at,
    {{ to_utc('purchase_date') }}                   as purchased_at,
    {{ to_utc('last_update_at') }}                  as last_update_at,
    shipping_method,
    {{ money('total_price') }}                      as total_price,
    currency,
    gift_message,
    tags,
    shipping_terms,
    shipment_ids,
    _sdc_batched_at                                 as _loaded_at
from source

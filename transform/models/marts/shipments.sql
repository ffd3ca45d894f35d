-- Shipped items of both channels: Shopify fulfillments and Amazon-fulfilled shipments.
select
    {{ surrogate_key(['source', 'account_id', 'shipment_id', 'shipment_item_id']) }} as shipment_item_key,
    {{ surrogate_key(['source', 'account_id', 'order_id']) }}     as order_key,
    source,
    account_id,
    shipment_id,
    shipment_item_id,
    order_id,
    sku,
    qty,
    status,
    carrier,
    tracking_number,
    fc,
    shipped_at,
    delivered_at,
    _loaded_at
from {{ ref('int_shipment_items__unified') }}

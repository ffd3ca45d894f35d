-- Shipped items: Shopify fulfillments, Amazon-fulfilled shipments and ShipBob's shipments, each
-- linked to the channel order it ships (a ShipBob shipment to its Shopify order, through the channel).
-- The key: a Shopify fulfillment and a ShipBob shipment each ship one order, and name each item once.
-- Amazon's shipments report gives no such promise (one shipment can carry several orders), so an
-- Amazon item is keyed as tap-amazon-spapi keys it: by order, shipment and shipment item.
select
    {{ surrogate_key(['source', 'account_id', "case when source = 'amazon' then order_id end", 'shipment_id', 'shipment_item_id']) }} as shipment_item_key,
    case when order_source is not null
        then {{ surrogate_key(['order_source', 'order_account_id', 'order_id']) }}
    end                                                           as order_key,
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
    order_source,
    order_account_id,
    _loaded_at
from {{ ref('int_shipment_items__unified') }}

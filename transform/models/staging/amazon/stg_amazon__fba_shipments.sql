with source as (
    {{ latest_rows(raw_source('amazon', 'fba_shipments'), ['amazon_order_id', 'shipment_id', 'shipment_item_id']) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    amazon_order_id                                 as order_id,
    merchant_order_id,
    shipment_id,
    shipment_item_id,
    amazon_order_item_id                            as order_item_id,
    sku,
    product_name,
    quantity_shipped,
    currency,
    {{ money('item_price') }}                       as item_price,
    {{ money('item_tax') }}                         as item_tax,
    {{ money('shipping_price') }}                   as shipping_price,
    {{ money('shipping_tax') }}                     as shipping_tax,
    {{ money('item_promotion_discount') }}          as item_promotion_discount,
    {{ money('ship_promotion_discount') }}          as ship_promotion_discount,
    ship_service_level,
    carrier,
    tracking_number,
    fulfillment_center_id,
    fulfillment_channel,
    sales_channel,
    {{ to_utc('purchase_date') }}                   as purchase_date,
    {{ to_utc('shipment_date') }}                   as shipped_at,
    {{ to_utc('estimated_arrival_date') }}          as estimated_arrival_at,
    _sdc_batched_at                                 as _loaded_at
from source

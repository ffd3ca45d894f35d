with source as (
    {{ latest_rows(raw_source('amazon', 'order_items'), ['amazon_order_id', 'sku'], 'last_updated_date') }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    amazon_order_id                                 as order_id,
    amazon_order_id || ':' || sku                   as line_id,
    order_item_id,
    sku,
    asin,
    product_name,
    item_status,
    quantity,
    currency,
    {{ money('unit_price') }}                       as unit_price,
    {{ money('item_price') }}                       as item_price,
    {{ money('item_tax') }}                         as item_tax,
    {{ money('shipping_price') }}                   as shipping_price,
    {{ money('shipping_tax') }}                     as shipping_tax,
    {{ money('gift_wrap_price') }}                  as gift_wrap_price,
    {{ money('gift_wrap_tax') }}                    as gift_wrap_tax,
    {{ money('item_promotion_discount') }}          as item_promotion_discount,
    {{ money('ship_promotion_discount') }}          as ship_promotion_discount,
    {{ money('proceeds_item') }}                    as proceeds_item,
    {{ money('proceeds_shipping') }}                as proceeds_shipping,
    {{ money('proceeds_gift_wrap') }}               as proceeds_gift_wrap,
    {{ money('proceeds_tax') }}                     as proceeds_tax,
    {{ money('proceeds_discount') }}                as proceeds_discount,
    {{ money('proceeds_total') }}                   as proceeds_total,
    promotion_ids,
    {{ to_utc('purchase_date') }}                   as purchase_date,
    {{ to_utc('last_updated_date') }}               as updated_at,
    source                                          as extracted_by,
    _sdc_batched_at                                 as _loaded_at
from source

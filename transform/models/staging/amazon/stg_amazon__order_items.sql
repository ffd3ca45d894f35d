-- One row per order line. A line read by both paths has one key (order, SKU, occurrence) and
-- so one raw row, the later path's. An order's lines come from one path: once searchOrders has
-- delivered an order, any of its lines still from the report is one the API did not list, and
-- is left out.
with source as (
    {{ latest_rows(raw_source('amazon', 'order_items'), ['amazon_order_id', 'sku', 'sku_occurrence'], 'last_updated_date') }}
),

-- Read from the raw table itself, so each CTE is used once and a filter on the view reaches both.
api_lines as (
    select amazon_order_id
    from {{ raw_source('amazon', 'order_items') }}
    where source = 'api' and _sdc_deleted_at is null
)

select
    -- A Multi-Channel Fulfillment order names no marketplace when several are configured: it
    -- belongs to the seller's NON_AMAZON account (see the accounts mart).
    selling_partner_id || ':' || coalesce(marketplace_id, 'NON_AMAZON') as account_id,
    selling_partner_id,
    marketplace_id,
    amazon_order_id                                 as order_id,
    amazon_order_id || ':' || sku || ':' || sku_occurrence as line_id,
    order_item_id,
    sku,
    sku_occurrence,
    asin,
    product_name,
    item_status,
    quantity,
    currency,
    {{ money('unit_price') }}                       as unit_price,
    price_designation,
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
where source.source = 'api'
   or not exists (select 1 from api_lines where api_lines.amazon_order_id = source.amazon_order_id)

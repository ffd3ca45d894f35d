-- One row per shipped item: Shopify fulfillment line items, Amazon-fulfilled shipment items and
-- ShipBob's shipped items. Each names the channel order it ships (order_source,
-- order_account_id, order_id): a ShipBob shipment fulfils a channel's order, whose id is ShipBob's
-- order reference_id, unique only within its channel (a Shopify store named by its shop domain).
with shopify as (
    select
        'shopify'                                                 as source,
        fulfillments.account_id,
        fulfillments.fulfillment_id                               as shipment_id,
        -- A shipped line is keyed by its fulfillment and line item (tap-shopify's README): rows loaded
        -- before that carry line_item_id as well, so they take the same key.
        split_part(item ->> 'line_item_id', '/', 5)               as shipment_item_id,
        fulfillments.order_id,
        item ->> 'sku'                                            as sku,
        cast(item ->> 'quantity' as integer)                      as qty,
        fulfillments.status,
        fulfillments.tracking_company                             as carrier,
        fulfillments.tracking_number,
        fulfillments.location_id                                  as fc,
        fulfillments.created_at                                   as shipped_at,
        fulfillments.delivered_at,
        'shopify'                                                 as order_source,
        fulfillments.account_id                                   as order_account_id,
        fulfillments._loaded_at
    from {{ ref('stg_shopify__fulfillments') }} as fulfillments
    cross join lateral unnest(fulfillments.fulfillment_line_items) as item
    where not exists (
        select 1 from {{ ref('stg_shopify__order_deletions') }} as deleted
        where deleted.account_id = fulfillments.account_id and deleted.order_id = fulfillments.order_id
    )
),

amazon as (
    select
        'amazon',
        account_id,
        shipment_id,
        shipment_item_id,
        order_id,
        sku,
        quantity_shipped,
        'SHIPPED',
        carrier,
        tracking_number,
        fulfillment_center_id,
        shipped_at,
        cast(null as timestamptz),
        'amazon',
        account_id,
        _loaded_at
    from {{ ref('stg_amazon__fba_shipments') }}
),

shipbob as (
    select
        'shipbob',
        items.account_id,
        cast(items.shipment_id as text),
        concat_ws('/', items.product_id, items.inventory_id, items.occurrence),
        orders.reference_id,
        items.sku,
        cast(items.quantity as integer),
        shipments.status,
        shipments.carrier,
        shipments.tracking_number,
        shipments.location_name,
        shipments.shipped_at,
        shipments.delivered_at,
        channels.order_source,
        channels.order_account_id,
        -- The newest load of the item, its shipment and its order (not the channel's: every sync
        -- reads the channels whole), so an hourly test reads every row an order's change rewrote.
        greatest(items._loaded_at, shipments._loaded_at, orders._loaded_at)
    from {{ ref('stg_shipbob__shipment_products') }} as items
    inner join {{ ref('stg_shipbob__shipments') }} as shipments
        on shipments.account_id = items.account_id and shipments.shipment_id = items.shipment_id
    left join {{ ref('stg_shipbob__orders') }} as orders
        on orders.account_id = shipments.account_id and orders.order_id = shipments.order_id
    left join {{ ref('stg_shipbob__channels') }} as channels
        on channels.account_id = orders.account_id and channels.channel_id = orders.channel_id
)

select * from shopify
union all
select * from amazon
union all
select * from shipbob

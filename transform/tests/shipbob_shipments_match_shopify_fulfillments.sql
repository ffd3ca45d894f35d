-- Reconciliation: every ShipBob shipment of a Shopify order the warehouse holds matches a
-- Shopify fulfillment of that order, the same SKUs in the same quantities (ShipBob's Shopify
-- integration writes each shipment back as a fulfillment). A shipment is checked once the
-- order as loaded from Shopify changed after it shipped, so its fulfillment is in that load: a
-- shipment made since Shopify was last read is not yet a failure.
-- Hourly run: the Shopify orders touched within the lookback window (a shipment of the order, or
-- the order, loaded in it), each with all its ShipBob shipments and Shopify fulfillments; the
-- daily build checks every order.
with items as (
    select source, account_id, shipment_id, order_account_id, order_id, status,
           coalesce(sku, '(no sku)') as sku, sum(qty) as qty, min(shipped_at) as shipped_at
    from {{ ref('shipments') }}
    where order_source = 'shopify' and source in ('shipbob', 'shopify')
      and {{ hourly_touched('(order_account_id, order_id)', [
          (ref('shipments'), 'order_account_id, order_id'), (ref('orders'), 'account_id, order_id')
      ]) }}
    group by 1, 2, 3, 4, 5, 6, 7
),

contents as (
    select
        source,
        account_id,
        shipment_id,
        order_account_id,
        order_id,
        min(status)                                               as status,
        min(shipped_at)                                           as shipped_at,
        string_agg(sku || ' x ' || qty, ', ' order by sku)        as contents
    from items
    group by 1, 2, 3, 4, 5
),

-- Each order's Shopify fulfillments, gathered once: a lookup per shipment would scan every
-- fulfillment of the warehouse for each one.
fulfillments as (
    select
        order_account_id,
        order_id,
        string_agg(contents, ' | ' order by shipment_id)          as shopify_fulfillments,
        array_agg(contents) filter (where status not in ('CANCELLED', 'ERROR', 'FAILURE')) as live_contents
    from contents
    where source = 'shopify'
    group by 1, 2
)

select
    shipbob.account_id,
    shipbob.shipment_id,
    shipbob.order_account_id,
    shipbob.order_id,
    shipbob.contents,
    fulfillments.shopify_fulfillments
from contents as shipbob
inner join {{ ref('stg_shopify__orders') }} as orders
    on orders.account_id = shipbob.order_account_id and orders.order_id = shipbob.order_id
left join fulfillments
    on fulfillments.order_account_id = shipbob.order_account_id and fulfillments.order_id = shipbob.order_id
where shipbob.source = 'shipbob'
  and orders.updated_at >= shipbob.shipped_at
  and not coalesce(shipbob.contents = any(fulfillments.live_contents), false)

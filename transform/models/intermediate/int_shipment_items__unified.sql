-- One row per shipped item: Shopify fulfillment line items and Amazon-fulfilled shipment items.
with shopify as (
    select
        'shopify'                                                 as source,
        fulfillments.account_id,
        fulfillments.fulfillment_id                               as shipment_id,
        split_part(item ->> 'id', '/', 5)                         as shipment_item_id,
        fulfillments.order_id,
        item ->> 'sku'                                            as sku,
        cast(item ->> 'quantity' as integer)                      as qty,
        fulfillments.status,
        fulfillments.tracking_company                             as carrier,
        fulfillments.tracking_number,
        fulfillments.location_id                                  as fc,
        fulfillments.created_at                                   as shipped_at,
        fulfillments.delivered_at,
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
        _loaded_at
    from {{ ref('stg_amazon__fba_shipments') }}
)

select * from shopify
union all
select * from amazon

-- One row per item of each shipment or refund financial event: its units and the sums of its
-- charges, promotions and fees (signed as Amazon posts them: a refund's charges are negative).

with items as (
    select
        events.account_id,
        events.event_id,
        events.event_type,
        events.order_id,
        events.posted_at,
        events.currency,
        events._loaded_at,
        item
    from {{ ref('stg_amazon__financial_events') }} as events
    cross join lateral jsonb_array_elements(
        coalesce(events.event -> 'ShipmentItemList', events.event -> 'ShipmentItemAdjustmentList', '[]'::jsonb)
    ) as item
    where events.event_type in ('ShipmentEvent', 'RefundEvent')
)

select
    account_id,
    event_id,
    event_type,
    order_id,
    item ->> 'SellerSKU'                                    as sku,
    item ->> 'OrderItemId'                                  as order_item_id,
    -- Which of the order's lines of this SKU the item is, numbered by order item id as
    -- stg_amazon__order_items numbers them (an item without an id counts as the first).
    dense_rank() over (
        partition by account_id, order_id, item ->> 'SellerSKU'
        order by length(item ->> 'OrderItemId') nulls first, item ->> 'OrderItemId' nulls first
    )                                                       as sku_occurrence,
    coalesce(cast(item ->> 'QuantityShipped' as integer), 0) as quantity,
    {{ sum_json_amounts("coalesce(item -> 'ItemChargeList', item -> 'ItemChargeAdjustmentList')", 'ChargeAmount') }} as charges,
    {{ sum_json_amounts("coalesce(item -> 'PromotionList', item -> 'PromotionAdjustmentList')", 'PromotionAmount') }} as promotions,
    {{ sum_json_amounts("coalesce(item -> 'ItemFeeList', item -> 'ItemFeeAdjustmentList')", 'FeeAmount') }} as fees,
    currency,
    posted_at,
    _loaded_at
from items

-- One row per refunded line: the refund's line items, read from its JSON array.
select
    refunds.account_id,
    refunds.refund_id,
    refunds.order_id,
    split_part(item ->> 'id', '/', 5)                       as refund_item_id,
    split_part(item ->> 'line_item_id', '/', 5)             as line_id,
    item ->> 'sku'                                          as sku,
    cast(item ->> 'quantity' as integer)                    as quantity,
    {{ money("item ->> 'subtotal'") }}                      as subtotal,
    {{ money("item ->> 'total_tax'") }}                     as tax,
    item ->> 'restock_type'                                 as restock_type,
    split_part(item ->> 'location_id', '/', 5)              as location_id,
    refunds.currency,
    refunds.created_at                                      as refunded_at,
    refunds.note,
    refunds._loaded_at
from {{ ref('stg_shopify__refunds') }} as refunds
cross join lateral unnest(refunds.refund_line_items) as item

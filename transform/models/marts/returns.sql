-- Returned items: Shopify refund line items and Amazon FBA customer returns.
with shopify as (
    select
        'shopify'                                                 as source,
        refunds.account_id,
        refunds.refund_item_id                                    as return_id,
        refunds.order_id,
        refunds.sku,
        refunds.quantity                                          as qty,
        refunds.refunded_at                                       as returned_at,
        refunds.note                                              as reason,
        refunds.restock_type                                      as disposition,
        refunds.location_id                                       as fc,
        refunds.subtotal + refunds.tax                            as refunded_amount,
        refunds.currency,
        refunds._loaded_at
    from {{ ref('int_shopify_refund_items__unnested') }} as refunds
    where not exists (
        select 1 from {{ ref('stg_shopify__order_deletions') }} as deleted
        where deleted.account_id = refunds.account_id and deleted.order_id = refunds.order_id
    )
),

amazon as (
    select
        'amazon',
        account_id,
        {{ surrogate_key(['order_id', 'sku', 'returned_at', 'license_plate_number', 'row_occurrence']) }},
        order_id,
        sku,
        quantity,
        returned_at,
        reason,
        detailed_disposition,
        fulfillment_center_id,
        cast(null as numeric),
        cast(null as text),
        _loaded_at
    from {{ ref('stg_amazon__customer_returns') }}
)

select
    {{ surrogate_key(['source', 'account_id', 'return_id']) }}    as return_key,
    {{ surrogate_key(['source', 'account_id', 'order_id']) }}     as order_key,
    *
from (
    select * from shopify
    union all
    select * from amazon
) as returns

-- Returned items: Shopify refund line items, Amazon FBA customer returns and the items of ShipBob
-- returns, each linked to the channel order it came back from (order_source, order_account_id,
-- order_id): a ShipBob return to the Shopify order its original shipment fulfilled.
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
        'shopify'                                                 as order_source,
        refunds.account_id                                        as order_account_id,
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
        'amazon',
        account_id,
        _loaded_at
    from {{ ref('stg_amazon__customer_returns') }}
),

-- The actions taken on each returned item, in the order ShipBob lists them.
shipbob_actions as (
    select
        account_id,
        return_id,
        inventory_id,
        item_occurrence,
        string_agg(action, ', ' order by action_number)           as actions,
        string_agg(action_reason, '; ' order by action_number)    as reasons
    from {{ ref('stg_shipbob__return_actions') }}
    group by account_id, return_id, inventory_id, item_occurrence
),

-- A ShipBob return's order: the one its original shipment fulfilled; failing that, the store
-- order id the return names, in the return's own channel.
shipbob as (
    select
        'shipbob',
        items.account_id,
        concat_ws('/', items.return_id, items.inventory_id, items.occurrence),
        coalesce(orders.reference_id, returns.store_order_id),
        items.sku,
        items.quantity,
        returns.arrived_at,
        actions.reasons,
        actions.actions,
        returns.fulfillment_center_name,
        cast(null as numeric),
        cast(null as text),
        channels.order_source,
        channels.order_account_id,
        items._loaded_at
    from {{ ref('stg_shipbob__return_items') }} as items
    -- A return cancelled before it arrived brought nothing back.
    inner join {{ ref('stg_shipbob__returns') }} as returns
        on returns.account_id = items.account_id and returns.return_id = items.return_id
       and returns.status is distinct from 'Cancelled'
    left join shipbob_actions as actions
        on actions.account_id = items.account_id
       and actions.return_id = items.return_id
       and actions.inventory_id = items.inventory_id
       and actions.item_occurrence = items.occurrence
    left join {{ ref('stg_shipbob__shipments') }} as shipments
        on shipments.account_id = returns.account_id and shipments.shipment_id = returns.original_shipment_id
    left join {{ ref('stg_shipbob__orders') }} as orders
        on orders.account_id = shipments.account_id and orders.order_id = shipments.order_id
    left join {{ ref('stg_shipbob__channels') }} as channels
        on channels.account_id = returns.account_id
       and channels.channel_id = coalesce(orders.channel_id, returns.channel_id)
)

select
    {{ surrogate_key(['source', 'account_id', 'return_id']) }}    as return_key,
    case when order_source is not null
        then {{ surrogate_key(['order_source', 'order_account_id', 'order_id']) }}
    end                                                           as order_key,
    *
from (
    select * from shopify
    union all
    select * from amazon
    union all
    select * from shipbob
) as returns

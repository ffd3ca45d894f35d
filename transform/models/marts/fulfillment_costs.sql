{#- An incremental run recomputes the fee lines loaded within the lookback window, or whose links
    to an order or a SKU were (collected by the pre-hook, macros/changed_keys.sql); the post-hook
    removes their rows the model no longer gives, as a full build would
    (macros/recomputed_keys.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key='fulfillment_cost_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        pre_hook="{{ collect_recomputed('changed_fee_lines', 'text') }}",
        post_hook=[
            "{{ index_incremental_mart('fulfillment_cost_key', also=[['order_id'], ['order_key']]) }}",
            "{{ remove_recomputed_not_merged('transaction_id') }}",
        ],
    )
}}
-- What fulfilment cost: one row per ShipBob invoice fee line (invoice transaction), linked to the
-- shipment it charges for (a return's line to the shipment returned), to the channel order that
-- shipment fulfils, and to the SKU when the shipment or return holds a single one.
-- ShipBob's order `reference_id` is the channel's order id, unique only within its channel: the
-- channel (a Shopify store, named by its shop domain) says whose order it is.
with transactions as (
    select * from {{ ref('stg_shipbob__invoice_transactions') }}
    {%- if is_incremental() %}
    where {{ is_recomputed('transaction_id') }}
    {%- endif %}
),

-- In an incremental run, the returns, shipments and orders of the recomputed lines alone, each
-- found by id through the one before it (their raw tables are indexed on these ids).
returns as (
    select account_id, return_id, original_shipment_id, _loaded_at from {{ ref('stg_shipbob__returns') }}
    {%- if is_incremental() %}
    where cast(return_id as text) = any(array(select reference_id from transactions where reference_type = 'Return'))
    {%- endif %}
),

shipments as (
    select account_id, shipment_id, order_id, _loaded_at from {{ ref('stg_shipbob__shipments') }}
    {%- if is_incremental() %}
    where cast(shipment_id as text) = any(array(
        select reference_id from transactions where reference_type = 'Shipment'
        union all
        select cast(original_shipment_id as text) from returns
    ))
    {%- endif %}
),

orders as (
    select account_id, order_id, channel_id, reference_id, _loaded_at from {{ ref('stg_shipbob__orders') }}
    {%- if is_incremental() %}
    where order_id = any(array(select order_id from shipments))
    {%- endif %}
),

channels as (
    select account_id, channel_id, name, application_name from {{ ref('stg_shipbob__channels') }}
),

-- In an incremental run, the items of the recomputed lines' shipments and returns alone.
single_skus as (
    select account_id, 'Shipment' as reference_type, cast(shipment_id as text) as reference_id, min(sku) as sku
    from {{ ref('stg_shipbob__shipment_products') }}
    {%- if is_incremental() %}
    where cast(shipment_id as text) = any(array(select reference_id from transactions where reference_type = 'Shipment'))
    {%- endif %}
    group by account_id, shipment_id
    having count(distinct sku) = 1
    union all
    select account_id, 'Return', cast(return_id as text), min(sku)
    from {{ ref('stg_shipbob__return_items') }}
    {%- if is_incremental() %}
    where cast(return_id as text) = any(array(select reference_id from transactions where reference_type = 'Return'))
    {%- endif %}
    group by account_id, return_id
    having count(distinct sku) = 1
),

linked as (
    select
        transactions.*,
        coalesce(shipments.shipment_id, returns.original_shipment_id) as shipment_id,
        returns._loaded_at                          as return_loaded_at
    from transactions
    left join shipments
        on transactions.reference_type = 'Shipment'
       and shipments.account_id = transactions.account_id
       and cast(shipments.shipment_id as text) = transactions.reference_id
    left join returns
        on transactions.reference_type = 'Return'
       and returns.account_id = transactions.account_id
       and cast(returns.return_id as text) = transactions.reference_id
)

select
    {{ surrogate_key(['linked.account_id', 'linked.invoice_id', 'linked.transaction_id']) }} as fulfillment_cost_key,
    'shipbob'                                       as source,
    linked.account_id,
    linked.invoice_id,
    linked.transaction_id,
    linked.invoice_date,
    linked.invoice_type,
    linked.charge_date,
    linked.transaction_fee                          as fee,
    linked.transaction_type,
    linked.reference_type,
    linked.reference_id,
    linked.amount,
    linked.currency_code,
    linked.fulfillment_center,
    linked.shipment_id,
    shipments.order_id                              as shipbob_order_id,
    case when channels.application_name = 'Shopify' then 'shopify' end as order_source,
    case when channels.application_name = 'Shopify' then channels.name end as order_account_id,
    case when channels.application_name = 'Shopify' then orders.reference_id end as order_id,
    case when channels.application_name = 'Shopify'
        then {{ surrogate_key(["'shopify'", 'channels.name', 'orders.reference_id']) }}
    end                                             as order_key,
    single_skus.sku,
    -- The newest load of the line and of what links it to its order, so that an incremental
    -- mart reading the lines loaded in its window (orders, sku_daily) sees a link made late.
    -- Not the channel's: every sync reads the few channels whole, so their load time moves each
    -- hour and would mark every line changed (the orders mart would recompute every fulfilled
    -- order hourly). A channel renamed is caught by the daily build's
    -- orders_fulfillment_cost_equals_fee_lines; a --full-refresh of orders mends it.
    greatest(linked._loaded_at, linked.return_loaded_at, shipments._loaded_at, orders._loaded_at) as _loaded_at
from linked
left join shipments
    on shipments.account_id = linked.account_id and shipments.shipment_id = linked.shipment_id
left join orders
    on orders.account_id = shipments.account_id and orders.order_id = shipments.order_id
left join channels
    on channels.account_id = orders.account_id and channels.channel_id = orders.channel_id
left join single_skus
    on single_skus.account_id = linked.account_id
   and single_skus.reference_type = linked.reference_type
   and single_skus.reference_id = linked.reference_id

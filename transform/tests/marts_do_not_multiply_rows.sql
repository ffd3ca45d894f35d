-- No mart multiplies rows: each mart has exactly as many rows as distinct keys in staging
-- (orders deleted at the source left out).
-- Daily build only: it counts every row of each mart against every distinct key of staging
-- (each staging view de-duplicating every raw row), which no window can narrow. The hourly run
-- checks what it can multiply there: the incremental marts merge on their unique keys, which
-- its unique tests check over the window, and the table marts' unique tests read them whole.
{{ config(tags=['daily_only']) }}
with live_shopify_items as (
    select items.account_id, items.line_id
    from {{ ref('stg_shopify__order_line_items') }} as items
    where not exists (
        select 1 from {{ ref('stg_shopify__order_deletions') }} as deleted
        where deleted.account_id = items.account_id and deleted.order_id = items.order_id
    )
),

counts as (
    select
        'orders' as mart,
        (select count(*) from {{ ref('orders') }}) as mart_rows,
        (select count(*) from (select distinct account_id, order_id from {{ ref('stg_shopify__orders') }}) as s)
            + (select count(*) from (select distinct account_id, order_id from {{ ref('stg_amazon__orders') }}) as a) as staging_keys
    union all
    select
        'order_items',
        (select count(*) from {{ ref('order_items') }}),
        (select count(*) from (select distinct account_id, line_id from live_shopify_items) as s)
            + (select count(*) from (select distinct account_id, line_id from {{ ref('stg_amazon__order_items') }}) as a)
    union all
    select
        'settlements',
        (select count(*) from {{ ref('settlements') }}),
        (select count(*) from (select distinct account_id, payout_id from {{ ref('stg_shopify__payouts') }}) as s)
            + (select count(*) from (select distinct account_id, settlement_id from {{ ref('stg_amazon__settlements') }}) as a)
    union all
    select
        'settlement_lines',
        (select count(*) from {{ ref('settlement_lines') }}),
        (select count(*) from (select distinct account_id, settlement_id, line_number from {{ ref('stg_amazon__settlement_lines') }}) as a)
            + (select count(*) from {{ ref('stg_shopify__balance_transactions') }} where payout_id <> '')
            + (select count(*) from {{ ref('stg_shopify__balance_transactions') }} where payout_id <> '' and fee <> 0)
    union all
    select
        'inventory',
        (select count(*) from {{ ref('inventory') }}),
        (select count(*) from (select distinct account_id, inventory_level_gid from {{ ref('stg_shopify__inventory_levels') }}) as s)
            + (select count(*) from (select distinct account_id, sku from {{ ref('stg_amazon__fba_inventory') }}) as a)
            + (select count(*) from (select distinct account_id, location_id, sku from {{ ref('stg_shipbob__inventory_levels') }}) as b)
    union all
    select
        'customers',
        (select count(*) from {{ ref('customers') }}),
        (select count(*) from (select distinct account_id, customer_id from {{ ref('stg_shopify__customers') }}) as s)
    union all
    select
        'accounts',
        (select count(*) from {{ ref('accounts') }}),
        (select count(*) from {{ ref('stg_shopify__shop') }}) + (select count(*) from {{ ref('stg_amazon__marketplace_participations') }})
            + (select count(distinct account_id) from {{ ref('stg_amazon__orders') }} where marketplace_id is null)
            + (select count(distinct account_id) from {{ ref('stg_shipbob__channels') }})
    union all
    select
        'shipments',
        (select count(*) from {{ ref('shipments') }}),
        (select count(*) from {{ ref('int_shipment_items__unified') }})
    union all
    select
        'fulfillment_costs',
        (select count(*) from {{ ref('fulfillment_costs') }}),
        (select count(*) from (select distinct account_id, invoice_id, transaction_id from {{ ref('stg_shipbob__invoice_transactions') }}) as b)
)

select * from counts where mart_rows <> staging_keys

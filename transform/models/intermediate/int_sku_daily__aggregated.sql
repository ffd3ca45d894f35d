-- Units and revenue per day, SKU and currency for each channel, beside each channel's stock
-- on hand that day (from the inventory snapshots, in the currency of the account holding it)
-- and what fulfilment charged for the SKU that day (ShipBob's fee lines spread over their SKUs,
-- int_fulfillment_costs__allocated, on the day charged, in the currency billed).
with sales as (
    select
        cast(orders.purchase_date at time zone 'UTC' as date)     as sales_date,
        items.sku,
        -- The order's currency: a line of an order not priced yet (pending) carries none.
        orders.currency,
        sum(items.qty) filter (where items.source = 'shopify')    as shopify_units,
        sum(items.gross - items.discount) filter (where items.source = 'shopify') as shopify_revenue,
        sum(items.qty) filter (where items.source = 'amazon')     as amazon_units,
        sum(items.gross - items.discount) filter (where items.source = 'amazon') as amazon_revenue,
        max(items._loaded_at)                                     as _loaded_at
    from {{ ref('order_items') }} as items
    join {{ ref('orders') }} as orders on orders.order_key = items.order_key
    -- Cancelled, test and replacement orders are no sales (the rule of daily_sales).
    where not orders.is_cancelled and not orders.is_test and not orders.is_replacement and items.sku is not null
    group by 1, 2, 3
),

stock as (
    select
        snapshots.snapshot_date                                   as sales_date,
        snapshots.sku,
        accounts.currency,
        sum(snapshots.on_hand) filter (where snapshots.source = 'shopify') as shopify_on_hand,
        sum(snapshots.on_hand) filter (where snapshots.source = 'amazon')  as amazon_on_hand
    from {{ ref('inventory_snapshots') }} as snapshots
    join {{ ref('accounts') }} as accounts
        on accounts.source = snapshots.source and accounts.account_id = snapshots.account_id
    where snapshots.sku is not null
    group by 1, 2, 3
),

fulfillment as (
    select
        charge_date                                               as sales_date,
        sku,
        currency,
        sum(amount)                                               as fulfillment_cost,
        max(_loaded_at)                                           as _loaded_at
    from {{ ref('int_fulfillment_costs__allocated') }}
    where sku is not null
    group by 1, 2, 3
),

days as (
    select sales_date, sku, currency from sales
    union
    select sales_date, sku, currency from stock
    union
    select sales_date, sku, currency from fulfillment
)

select
    {{ surrogate_key(['days.sales_date', 'days.sku', 'days.currency']) }} as sku_day_key,
    days.sales_date,
    days.sku,
    days.currency,
    coalesce(sales.shopify_units, 0)                              as shopify_units,
    coalesce(sales.shopify_revenue, 0)                            as shopify_revenue,
    coalesce(sales.amazon_units, 0)                               as amazon_units,
    coalesce(sales.amazon_revenue, 0)                             as amazon_revenue,
    stock.shopify_on_hand,
    stock.amazon_on_hand,
    fulfillment.fulfillment_cost,
    greatest(sales._loaded_at, fulfillment._loaded_at)            as _loaded_at
from days
left join sales
    on sales.sales_date = days.sales_date and sales.sku = days.sku and sales.currency is not distinct from days.currency
left join stock
    on stock.sales_date = days.sales_date and stock.sku = days.sku and stock.currency is not distinct from days.currency
left join fulfillment
    on fulfillment.sales_date = days.sales_date and fulfillment.sku = days.sku
   and fulfillment.currency = days.currency

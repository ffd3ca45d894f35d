-- Units and revenue per day, SKU and currency for each channel, beside each channel's stock
-- on hand that day (from the inventory snapshots, in the currency of the account holding it).
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
)

select
    {{ surrogate_key(['coalesce(sales.sales_date, stock.sales_date)', 'coalesce(sales.sku, stock.sku)', 'coalesce(sales.currency, stock.currency)']) }} as sku_day_key,
    coalesce(sales.sales_date, stock.sales_date)                  as sales_date,
    coalesce(sales.sku, stock.sku)                                as sku,
    coalesce(sales.currency, stock.currency)                      as currency,
    coalesce(sales.shopify_units, 0)                              as shopify_units,
    coalesce(sales.shopify_revenue, 0)                            as shopify_revenue,
    coalesce(sales.amazon_units, 0)                               as amazon_units,
    coalesce(sales.amazon_revenue, 0)                             as amazon_revenue,
    stock.shopify_on_hand,
    stock.amazon_on_hand,
    sales._loaded_at
from sales
full outer join stock
    on stock.sales_date = sales.sales_date and stock.sku = sales.sku and stock.currency = sales.currency

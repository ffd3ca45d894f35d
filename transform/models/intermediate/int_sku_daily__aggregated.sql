-- Units and revenue per day, SKU and currency for each channel, beside each channel's stock
-- on hand that day (from the inventory snapshots, in the currency of the account holding it)
-- and what fulfilment charged for the SKU that day (ShipBob's fee lines spread over their SKUs,
-- int_fulfillment_costs__allocated, on the day charged, in the currency billed).
-- One GROUP BY over the three inputs stacked (not a union of their keys joined back to each):
-- a filter on sales_date, as the incremental sku_daily sets, then reaches every input's own rows,
-- where CTEs read twice would each be computed whole first.
with per_channel as (
    select
        cast(orders.purchase_date at time zone 'UTC' as date)     as sales_date,
        items.sku,
        -- The order's currency: a line of an order not priced yet (pending) carries none.
        orders.currency,
        case when items.source = 'shopify' then items.qty end     as shopify_units,
        case when items.source = 'shopify' then items.gross - items.discount end as shopify_revenue,
        case when items.source = 'amazon' then items.qty end      as amazon_units,
        case when items.source = 'amazon' then items.gross - items.discount end as amazon_revenue,
        cast(null as numeric)                                     as shopify_on_hand,
        cast(null as numeric)                                     as amazon_on_hand,
        cast(null as numeric)                                     as fulfillment_cost,
        items._loaded_at
    from {{ ref('order_items') }} as items
    join {{ ref('orders') }} as orders on orders.order_key = items.order_key
    -- Cancelled, test and replacement orders are no sales (the rule of daily_sales).
    where not orders.is_cancelled and not orders.is_test and not orders.is_replacement and items.sku is not null

    union all

    select
        snapshots.snapshot_date,
        snapshots.sku,
        accounts.currency,
        null, null, null, null,
        case when snapshots.source = 'shopify' then snapshots.on_hand end,
        case when snapshots.source = 'amazon' then snapshots.on_hand end,
        null,
        null
    from {{ ref('inventory_snapshots') }} as snapshots
    join {{ ref('accounts') }} as accounts
        on accounts.source = snapshots.source and accounts.account_id = snapshots.account_id
    where snapshots.sku is not null

    union all

    select
        charge_date,
        sku,
        currency,
        null, null, null, null, null, null,
        amount,
        _loaded_at
    from {{ ref('int_fulfillment_costs__allocated') }}
    where sku is not null
)

select
    {{ surrogate_key(['sales_date', 'sku', 'currency']) }}      as sku_day_key,
    sales_date,
    sku,
    currency,
    coalesce(sum(shopify_units), 0)                               as shopify_units,
    coalesce(sum(shopify_revenue), 0)                             as shopify_revenue,
    coalesce(sum(amazon_units), 0)                                as amazon_units,
    coalesce(sum(amazon_revenue), 0)                              as amazon_revenue,
    sum(shopify_on_hand)                                          as shopify_on_hand,
    sum(amazon_on_hand)                                           as amazon_on_hand,
    sum(fulfillment_cost)                                         as fulfillment_cost,
    max(_loaded_at)                                               as _loaded_at
from per_channel
group by sales_date, sku, currency

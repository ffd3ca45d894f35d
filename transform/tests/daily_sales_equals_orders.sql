-- Reconciliation, to the cent: each day's sales equal the sum of that day's orders, and
-- every order that is neither cancelled, a test order nor a replacement is counted on some day.
-- Hourly run: the days touched within the lookback window (the purchase day of an order loaded
-- in it, or of an order deleted in it, and the days of daily_sales it wrote), each day whole: all
-- its orders and all its rows; the daily build checks every day.
{%- set purchase_day = "cast(purchase_date at time zone 'UTC' as date)" %}
{%- set touched_by = [
    (ref('orders'), purchase_day),
    (ref('daily_sales'), 'sales_date'),
    (ref('stg_shopify__order_deletions'), "cast(created_at at time zone 'UTC' as date)"),
] %}
with from_orders as (
    select
        cast(purchase_date at time zone 'UTC' as date) as sales_date,
        source,
        account_id,
        currency,
        count(*) as orders,
        sum(subtotal) as gross,
        sum(discounts) as discounts,
        sum(refunded) as refunds,
        sum(net_sales) as net
    from {{ ref('orders') }}
    where not is_cancelled and not is_test and not is_replacement
      and {{ hourly_touched(purchase_day, touched_by) }}
    group by 1, 2, 3, 4
)

select
    coalesce(days.sales_date, from_orders.sales_date) as sales_date,
    coalesce(days.source, from_orders.source) as source,
    coalesce(days.account_id, from_orders.account_id) as account_id,
    days.net as daily_net,
    from_orders.net as orders_net
from (
    select * from {{ ref('daily_sales') }} where {{ hourly_touched('sales_date', touched_by) }}
) as days
full outer join from_orders
    on from_orders.sales_date = days.sales_date and from_orders.source = days.source
    and from_orders.account_id = days.account_id and from_orders.currency = days.currency
where days.sales_date is null
   or from_orders.sales_date is null
   or days.orders <> from_orders.orders
   or round(days.gross, 2) <> round(from_orders.gross, 2)
   or round(days.discounts, 2) <> round(from_orders.discounts, 2)
   or round(days.refunds, 2) <> round(from_orders.refunds, 2)
   or round(days.net, 2) <> round(from_orders.net, 2)

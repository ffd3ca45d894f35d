-- Reconciliation, to the cent: an order's total equals its items + shipping + tax - discounts.
-- Hourly run: the orders touched within the lookback window (the order or one of its lines
-- loaded in it), each with all its lines; the daily build checks every order.
{%- set touched_by = [(ref('orders'), 'order_key'), (ref('order_items'), 'order_key')] %}
select
    orders.order_key,
    orders.source,
    orders.order_id,
    orders.total,
    coalesce(items.gross, 0) + orders.shipping + orders.tax - orders.discounts as expected
from {{ ref('orders') }} as orders
left join (
    select order_key, sum(gross) as gross
    from {{ ref('order_items') }}
    where {{ hourly_touched('order_key', touched_by) }}
    group by order_key
) as items on items.order_key = orders.order_key
where {{ hourly_touched('orders.order_key', touched_by) }}
  and round(orders.total, 2) <> round(coalesce(items.gross, 0) + orders.shipping + orders.tax - orders.discounts, 2)

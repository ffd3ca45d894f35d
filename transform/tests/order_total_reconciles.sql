-- Reconciliation, to the cent: an order's total equals its items + shipping + tax - discounts.
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
    group by order_key
) as items on items.order_key = orders.order_key
where round(orders.total, 2) <> round(coalesce(items.gross, 0) + orders.shipping + orders.tax - orders.discounts, 2)

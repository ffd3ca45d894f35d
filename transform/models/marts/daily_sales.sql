-- Sales per day (UTC purchase date), channel, account and currency, from the orders mart
-- (cancelled, test and replacement orders left out); each order counts on the day it was placed,
-- refunds included.
with orders as (
    select * from {{ ref('orders') }} where not is_cancelled and not is_test and not is_replacement
),

units as (
    select order_key, sum(qty) as units
    from {{ ref('order_items') }}
    group by order_key
)

select
    {{ surrogate_key(['sales_date', 'source', 'account_id', 'currency']) }} as daily_sales_key,
    *
from (
    select
        cast(orders.purchase_date at time zone 'UTC' as date)     as sales_date,
        orders.source,
        orders.account_id,
        orders.currency,
        count(*)                                                  as orders,
        coalesce(sum(units.units), 0)                             as units,
        sum(orders.subtotal)                                      as gross,
        sum(orders.discounts)                                     as discounts,
        sum(orders.refunded)                                      as refunds,
        sum(orders.net_sales)                                     as net
    from orders
    left join units on units.order_key = orders.order_key
    group by 1, 2, 3, 4
) as days

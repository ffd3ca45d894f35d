-- Reconciliation, to the cent: net sales = gross - discounts - refunds, per order and per day.
select 'orders' as mart, order_key as row_key, net_sales as net, subtotal - discounts - refunded as expected
from {{ ref('orders') }}
where round(net_sales, 2) <> round(subtotal - discounts - refunded, 2)

union all

select 'daily_sales', daily_sales_key, net, gross - discounts - refunds
from {{ ref('daily_sales') }}
where round(net, 2) <> round(gross - discounts - refunds, 2)

-- Reconciliation, to the cent: net sales = gross - discounts - refunds, per order and per day.
-- Each row is checked on its own: the hourly run checks the rows loaded within the lookback
-- window of each mart (every row it wrote), the daily build every row.
select 'orders' as mart, order_key as row_key, net_sales as net, subtotal - discounts - refunded as expected
from {{ ref('orders') }}
where {{ hourly_window(ref('orders')) }}
  and round(net_sales, 2) <> round(subtotal - discounts - refunded, 2)

union all

select 'daily_sales', daily_sales_key, net, gross - discounts - refunds
from {{ ref('daily_sales') }}
where {{ hourly_window(ref('daily_sales')) }}
  and round(net, 2) <> round(gross - discounts - refunds, 2)

-- Reconciliation, to the cent: an order's fulfillment cost is the sum of the ShipBob fee lines
-- linked to it (fulfillment_costs), in their one currency, and null when none is; an
-- incremental run that missed a late invoice fails here.
-- Hourly run: the orders touched within the lookback window (the order or a fee line of it loaded
-- in it), each with all its fee lines; the daily build checks every order.
{%- set touched_by = [(ref('orders'), 'order_key'), (ref('fulfillment_costs'), 'order_key')] %}
with lines as (
    select order_key, sum(amount) as total, count(distinct currency_code) as currencies, min(currency_code) as currency
    from {{ ref('fulfillment_costs') }}
    where order_key is not null
      and {{ hourly_touched('order_key', touched_by) }}
    group by order_key
)

select orders.order_key, orders.fulfillment_cost, orders.fulfillment_cost_currency, lines.total, lines.currencies
from {{ ref('orders') }} as orders
left join lines on lines.order_key = orders.order_key
where {{ hourly_touched('orders.order_key', touched_by) }}
  and (orders.fulfillment_cost is distinct from lines.total
   or orders.fulfillment_cost_currency is distinct from lines.currency
   or lines.currencies > 1)

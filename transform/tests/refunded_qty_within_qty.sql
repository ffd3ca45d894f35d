-- No line has more units refunded than were ordered.
-- Each line is checked on its own: the hourly run checks the lines loaded within the lookback
-- window (every line it wrote), the daily build every line.
select order_item_key, source, order_id, line_id, qty, refunded_qty
from {{ ref('order_items') }}
where {{ hourly_window(ref('order_items')) }}
  and (refunded_qty > qty or refunded_qty < 0)

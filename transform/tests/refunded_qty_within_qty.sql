-- No line has more units refunded than were ordered.
select order_item_key, source, order_id, line_id, qty, refunded_qty
from {{ ref('order_items') }}
where refunded_qty > qty or refunded_qty < 0

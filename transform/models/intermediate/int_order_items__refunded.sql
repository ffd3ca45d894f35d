-- Every order line of both channels with its money split the same way (gross, discount,
-- shipping, tax, total) and what was refunded of it so far. `_loaded_at` is the newest load
-- of anything the row is computed from, so incremental marts pick up late refunds.
{{ order_items_refunded() }}

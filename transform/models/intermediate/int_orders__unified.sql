-- Orders of both channels with one set of columns. Shopify gives the order's totals;
-- Amazon's are summed from its items (the orders report has no order total).
-- `_loaded_at` is the newest load of anything the row is computed from.
{{ orders_unified() }}

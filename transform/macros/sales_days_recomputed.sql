{#- The days an incremental run of a sales-per-day mart (daily_sales, sku_daily) recomputes
    (macros/recomputed_keys.sql): today and yesterday (UTC; stock snapshots), the purchase days
    of orders whose row or lines were loaded, or whose deletion was, within the lookback window,
    and (`fee_days`, sku_daily) the days charged by ShipBob fee lines whose allocation over SKUs
    can have changed in it. Only those days can have lost a row: a deleted or cancelled order is
    loaded anew. -#}
{% macro sales_days_changed(fee_days=false) -%}
    {#- A mart built before it had `_loaded_at` (daily_sales was a table) recomputes every day once. -#}
    {%- set loaded_at = '_loaded_at' in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) -%}
    with window_start as (
        select {{ lookback_start() if loaded_at else "timestamp '1900-01-01'" }} as loaded_after
    )
    select cast(now() at time zone 'UTC' as date) - 1 as key
    union
    select cast(now() at time zone 'UTC' as date)
    union
    select cast(orders.purchase_date at time zone 'UTC' as date)
    from {{ ref('orders') }} as orders
    where orders._loaded_at > (select loaded_after from window_start)
    union
    select cast(orders.purchase_date at time zone 'UTC' as date)
    from {{ ref('order_items') }} as items
    join {{ ref('orders') }} as orders on orders.order_key = items.order_key
    where items._loaded_at > (select loaded_after from window_start)
    union
    -- A deleted order's row is gone from the orders mart; its deletion still names its day.
    select cast(deleted.created_at at time zone 'UTC' as date)
    from {{ ref('stg_shopify__order_deletions') }} as deleted
    where deleted._loaded_at > (select loaded_after from window_start)
    {%- if fee_days %}
    union
    -- A fee line is spread over its shipment's (return's) SKUs: it, or those items, loaded in
    -- the window change its day (int_fulfillment_costs__allocated; an invoice comes days after
    -- its shipments).
    select cast(lines.charge_date as date)
    from {{ ref('stg_shipbob__invoice_transactions') }} as lines
    where lines.reference_type in ('Shipment', 'Return')
      and (
        lines._loaded_at > (select loaded_after from window_start)
        or (lines.account_id, lines.reference_type, lines.reference_id) in (
            select account_id, 'Shipment', cast(shipment_id as text)
            from {{ ref('stg_shipbob__shipment_products') }}
            where _loaded_at > (select loaded_after from window_start)
            union
            select account_id, 'Return', cast(return_id as text)
            from {{ ref('stg_shipbob__return_items') }}
            where _loaded_at > (select loaded_after from window_start)
        )
      )
    {%- endif %}
{%- endmacro %}

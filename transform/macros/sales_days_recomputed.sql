{#- Whether `sales_date` is a day an incremental run of a sales-per-day mart (daily_sales,
    sku_daily) recomputes: today and yesterday
    (UTC; stock snapshots), and the purchase days of orders whose row or lines were loaded, or
    whose deletion was, within the lookback window of the mart's newest row. Orders and lines
    are each read by their own `_loaded_at` (indexed), so only the window's rows are read. -#}
{% macro sales_days_recomputed(sales_date) -%}
    {#- A mart built before it had `_loaded_at` (daily_sales was a table) recomputes every day once. -#}
    {%- set loaded_at = execute and '_loaded_at' in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) -%}
    ({{ sales_date }} >= cast(now() at time zone 'UTC' as date) - 1
     or {{ sales_date }} in (
        with window_start as (
            select coalesce({{ 'max(_loaded_at)' if loaded_at else 'null' }}, timestamptz '1900-01-01') - interval '{{ var("lookback_hours") }} hours' as loaded_after
            from {{ this }}
        )
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
     ))
{%- endmacro %}

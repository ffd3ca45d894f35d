{#- The days an incremental run of a sales-per-day mart (daily_sales, sku_daily) recomputes:
    today and yesterday (UTC; stock snapshots), the purchase days of orders whose row or lines
    were loaded, or whose deletion was, within the lookback window of the mart's newest row, and
    (`fee_days`, sku_daily) the days charged by ShipBob fee lines whose allocation over SKUs can
    have changed in it. Collected once, by a pre-hook, into a temporary table that the model's
    filter and its post-hook's clean-up both read: the merge moves the mart's newest row on, so a
    window read again after it would name fewer days than were recomputed. A full build collects
    none (it has nothing to clean up). The table lives as long as the model's transaction. -#}
{% macro collect_sales_days_recomputed(fee_days=false) -%}
    create temporary table {{ sales_days_table() }} on commit drop as
    {% if is_incremental() -%}
    {#- A mart built before it had `_loaded_at` (daily_sales was a table) recomputes every day once. -#}
    {%- set loaded_at = '_loaded_at' in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) -%}
    with window_start as (
        select coalesce({{ 'max(_loaded_at)' if loaded_at else 'null' }}, timestamptz '1900-01-01') - interval '{{ var("lookback_hours") }} hours' as loaded_after
        from {{ this }}
    )
    select cast(now() at time zone 'UTC' as date) - 1 as sales_date
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
    {%- else -%}
    select cast(null as date) as sales_date where false
    {%- endif %}
{%- endmacro %}

{#- Whether `sales_date` is one of the days collected above. The days come as an array, read once:
    a plain condition on one column, which the planner pushes into the views below to each
    input's rows, where a subquery condition would be applied only after the whole view. -#}
{% macro sales_days_recomputed(sales_date) -%}
    {{ sales_date }} = any(array(select sales_date from {{ sales_days_table() }}))
{%- endmacro %}

{% macro sales_days_table() -%}
    {{ this.identifier }}__days_recomputed
{%- endmacro %}

{#- The post-hook of a sales-per-day mart: remove the rows of the days recomputed that the model
    no longer gives (their orders deleted or cancelled), as a full build would. dbt's merge
    updates every row it matches, so in this transaction it wrote every row the model gave for
    those days, and a row of theirs with an older writer (`xmin`) is one the model did not give. -#}
{% macro remove_rows_of_days_recomputed_not_merged() -%}
    delete from {{ this }} as mart
    where {{ sales_days_recomputed('mart.sales_date') }}
      and mart.xmin <> pg_current_xact_id()::xid
{%- endmacro %}

{{
    config(
        materialized='incremental',
        unique_key='order_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        meta={'hourly_test_window': '_loaded_at'},
        post_hook=["{{ index_incremental_mart('order_key', also=[['account_id', 'order_id']]) }}", "{{ drop_deleted_orders() }}"],
    )
}}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}
-- depends_on: {{ ref('stg_shopify__orders') }}
-- depends_on: {{ ref('stg_shopify__order_line_items') }}
-- depends_on: {{ ref('stg_shopify__refunds') }}
-- depends_on: {{ ref('stg_amazon__orders') }}
-- depends_on: {{ ref('stg_amazon__order_items') }}
-- depends_on: {{ ref('stg_amazon__financial_events') }}
-- depends_on: {{ ref('stg_amazon__marketplace_participations') }}
-- depends_on: {{ ref('int_order_items__refunded') }}
-- depends_on: {{ ref('int_shopify_refund_items__unnested') }}
-- depends_on: {{ ref('int_amazon_event_items__unnested') }}

{% set changed_only = recompute_changed_orders_only(with_fulfilled=true) -%}
{% if changed_only -%}
-- The orders with an input loaded in the lookback window (a ShipBob fee line among them: an
-- invoice comes days after the shipment), computed from their inputs alone.
with changed_orders as (
    {{ changed_orders() }}
    union
    {{ changed_fulfilled_orders() }}
),

orders as (
    {{ orders_unified('changed_orders') }}
),
{%- else -%}
with orders as (
    select * from {{ ref('int_orders__unified') }}
),
{%- endif %}

-- What fulfilling each order cost: every ShipBob fee line linked to it (its shipments' shipping
-- and picking, its returns' processing), in ShipBob's billing currency.
fulfillment as (
    select
        order_source,
        order_account_id,
        order_id,
        sum(amount)                                             as fulfillment_cost,
        min(currency_code)                                      as fulfillment_cost_currency,
        max(_loaded_at)                                         as _loaded_at
    from {{ ref('fulfillment_costs') }}
    where order_key is not null
    {%- if changed_only %}
      and (order_source, order_account_id, order_id) in (select source, account_id, order_id from changed_orders)
    {%- endif %}
    group by order_source, order_account_id, order_id
)

select
    {{ surrogate_key(['orders.source', 'orders.account_id', 'orders.order_id']) }}    as order_key,
    orders.source,
    orders.account_id,
    orders.order_id,
    orders.order_name,
    orders.marketplace_id,
    orders.purchase_date,
    orders.updated_at,
    orders.status,
    orders.fulfillment_channel,
    orders.customer_id,
    orders.currency,
    orders.subtotal,
    orders.discounts,
    orders.shipping,
    orders.tax,
    orders.total,
    orders.refunded,
    orders.subtotal - orders.discounts - orders.refunded              as net_sales,
    orders.is_cancelled,
    orders.is_test,
    orders.is_replacement,
    orders.replaced_order_id,
    orders.is_business,
    orders.total_derived,
    fulfillment.fulfillment_cost,
    fulfillment.fulfillment_cost_currency,
    greatest(orders._loaded_at, fulfillment._loaded_at)         as _loaded_at
from orders
left join fulfillment
    on fulfillment.order_source = orders.source
   and fulfillment.order_account_id = orders.account_id
   and fulfillment.order_id = orders.order_id

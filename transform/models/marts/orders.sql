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

{% if is_incremental() -%}
-- The orders with an input loaded in the lookback window, computed from their inputs alone.
with changed_orders as (
    {{ changed_orders() }}
),

orders as (
    {{ orders_unified('changed_orders') }}
)
{%- else -%}
with orders as (
    select * from {{ ref('int_orders__unified') }}
)
{%- endif %}

select
    {{ surrogate_key(['source', 'account_id', 'order_id']) }}    as order_key,
    source,
    account_id,
    order_id,
    order_name,
    marketplace_id,
    purchase_date,
    updated_at,
    status,
    fulfillment_channel,
    customer_id,
    currency,
    subtotal,
    discounts,
    shipping,
    tax,
    total,
    refunded,
    subtotal - discounts - refunded                             as net_sales,
    is_cancelled,
    is_test,
    is_replacement,
    replaced_order_id,
    is_business,
    total_derived,
    _loaded_at
from orders

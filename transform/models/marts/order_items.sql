{{
    config(
        materialized='incremental',
        unique_key='order_item_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        meta={'hourly_test_window': '_loaded_at'},
        post_hook=["{{ index_incremental_mart('order_item_key', also=[['account_id', 'order_id'], ['order_key']]) }}", "{{ drop_deleted_orders() }}"],
    )
}}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}
-- depends_on: {{ ref('stg_shopify__order_line_items') }}
-- depends_on: {{ ref('int_shopify_refund_items__unnested') }}
-- depends_on: {{ ref('stg_amazon__order_items') }}
-- depends_on: {{ ref('int_amazon_event_items__unnested') }}
-- depends_on: {{ ref('stg_shopify__orders') }}
-- depends_on: {{ ref('stg_shopify__refunds') }}
-- depends_on: {{ ref('stg_amazon__orders') }}
-- depends_on: {{ ref('stg_amazon__marketplace_participations') }}
-- depends_on: {{ ref('stg_amazon__financial_events') }}

{% if recompute_changed_orders_only() -%}
-- The lines of the orders with an input loaded in the lookback window, from their inputs alone.
with changed_orders as (
    {{ changed_orders() }}
),

items as (
    {{ order_items_refunded('changed_orders') }}
)
{%- else -%}
with items as (
    select * from {{ ref('int_order_items__refunded') }}
)
{%- endif %}

select
    {{ surrogate_key(['source', 'account_id', 'line_id']) }}     as order_item_key,
    {{ surrogate_key(['source', 'account_id', 'order_id']) }}    as order_key,
    source,
    account_id,
    order_id,
    line_id,
    sku,
    asin,
    title,
    qty,
    currency,
    price,
    price_designation,
    gross,
    discount,
    shipping,
    tax,
    total,
    fee_estimate,
    refunded_qty,
    refunded_amount,
    total_derived,
    is_test,
    _loaded_at
from items

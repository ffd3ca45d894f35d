{{
    config(
        materialized='incremental',
        unique_key='order_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        post_hook="{{ drop_deleted_orders() }}",
    )
}}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}

with orders as (
    {{ changed_rows(ref('int_orders__unified')) }}
)

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
    _loaded_at
from orders

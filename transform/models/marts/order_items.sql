{{
    config(
        materialized='incremental',
        unique_key='order_item_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        post_hook="{{ drop_deleted_orders() }}",
    )
}}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}

with items as (
    {{ changed_rows(ref('int_order_items__refunded')) }}
)

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
    gross,
    discount,
    shipping,
    tax,
    total,
    fee_estimate,
    refunded_qty,
    refunded_amount,
    _loaded_at
from items

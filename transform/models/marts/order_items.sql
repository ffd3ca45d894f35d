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

with shopify_items as (
    select * from {{ ref('stg_shopify__order_line_items') }}
    {{ incremental_window('shopify') }}
)

select
    {{ surrogate_key(["'shopify'", 'account_id', 'line_id']) }}   as order_item_key,
    {{ surrogate_key(["'shopify'", 'account_id', 'order_id']) }}  as order_key,
    'shopify'                                                     as source,
    account_id,
    order_id,
    line_id,
    sku,
    cast(null as text)                                            as asin,
    line_name                                                     as title,
    quantity                                                      as qty,
    currency,
    unit_price                                                    as price,
    gross,
    discount,
    tax,
    cast(null as numeric)                                         as fee_estimate,
    _loaded_at
from shopify_items

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

with shopify_orders as (
    select * from {{ ref('stg_shopify__orders') }}
    {{ incremental_window('shopify') }}
)

select
    {{ surrogate_key(["'shopify'", 'account_id', 'order_id']) }}  as order_key,
    'shopify'                                                     as source,
    account_id,
    order_id,
    order_name,
    cast(null as text)                                            as marketplace_id,
    created_at                                                    as purchase_date,
    updated_at,
    case
        when cancelled_at is not null then 'cancelled'
        when financial_status in ('PENDING', 'AUTHORIZED', 'PARTIALLY_PAID') then 'pending'
        when fulfillment_status = 'FULFILLED' then 'shipped'
        when fulfillment_status = 'PARTIALLY_FULFILLED' then 'partially_shipped'
        else 'unshipped'
    end                                                           as status,
    'shopify'                                                     as fulfillment_channel,
    customer_id,
    currency,
    subtotal + discounts                                          as subtotal,
    discounts,
    shipping,
    tax,
    total,
    refunded,
    cancelled_at is not null                                      as is_cancelled,
    _loaded_at
from shopify_orders

{#- Sales per day (UTC purchase date), channel, account and currency, from the orders mart
    (cancelled, test and replacement orders left out); each order counts on the day it was placed,
    refunds included. An incremental run recomputes the days the pre-hook collects, as sku_daily
    does (macros/sales_days_recomputed.sql), and the post-hook removes those days' rows that no
    longer exist, as a full build would (macros/recomputed_keys.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key='daily_sales_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        pre_hook="{{ collect_recomputed('sales_days_changed', 'date') }}",
        post_hook=[
            "{{ index_incremental_mart('daily_sales_key') }}",
            "{{ remove_recomputed_not_merged('sales_date') }}",
        ],
    )
}}
with orders as (
    select * from {{ ref('orders') }}
    where not is_cancelled and not is_test and not is_replacement
    {%- if is_incremental() %}
      and {{ is_recomputed("cast(purchase_date at time zone 'UTC' as date)") }}
    {%- endif %}
),

units as (
    select order_key, sum(qty) as units
    from {{ ref('order_items') }}
    {%- if is_incremental() %}
    where order_key in (select order_key from orders)
    {%- endif %}
    group by order_key
)

select
    {{ surrogate_key(['sales_date', 'source', 'account_id', 'currency']) }} as daily_sales_key,
    *
from (
    select
        cast(orders.purchase_date at time zone 'UTC' as date)     as sales_date,
        orders.source,
        orders.account_id,
        orders.currency,
        count(*)                                                  as orders,
        coalesce(sum(units.units), 0)                             as units,
        sum(orders.subtotal)                                      as gross,
        sum(orders.discounts)                                     as discounts,
        sum(orders.refunded)                                      as refunds,
        sum(orders.net_sales)                                     as net,
        max(orders._loaded_at)                                    as _loaded_at
    from orders
    left join units on units.order_key = orders.order_key
    group by 1, 2, 3, 4
) as days

{#- An incremental run recomputes the days touched by order items or fulfilment fee lines
    loaded within the lookback window, and today (whose stock snapshot changes run after run);
    the post-hook removes rows that no longer exist (their orders deleted or cancelled), as a
    full build would. -#}
{{
    config(
        materialized='incremental',
        unique_key='sku_day_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        post_hook="
            delete from {{ this }} as mart
            where not exists (
                select 1 from {{ ref('int_sku_daily__aggregated') }} as current_days
                where current_days.sku_day_key = mart.sku_day_key
            )",
    )
}}
-- depends_on: {{ ref('order_items') }}
-- depends_on: {{ ref('orders') }}
-- depends_on: {{ ref('int_fulfillment_costs__allocated') }}

select *
from {{ ref('int_sku_daily__aggregated') }}
{%- if is_incremental() %}
where sales_date >= cast(now() at time zone 'UTC' as date) - 1
   or sales_date in (
        select cast(orders.purchase_date at time zone 'UTC' as date)
        from {{ ref('order_items') }} as items
        join {{ ref('orders') }} as orders on orders.order_key = items.order_key
        where greatest(items._loaded_at, orders._loaded_at) > (
            select coalesce(max(_loaded_at), timestamptz '1900-01-01') from {{ this }}
        ) - interval '{{ var("lookback_hours") }} hours'
   )
   -- and the days charged by fulfilment fee lines loaded in the window (an invoice comes days
   -- after its shipments).
   or sales_date in (
        select charge_date
        from {{ ref('int_fulfillment_costs__allocated') }}
        where _loaded_at > (
            select coalesce(max(_loaded_at), timestamptz '1900-01-01') from {{ this }}
        ) - interval '{{ var("lookback_hours") }} hours'
   )
{%- endif %}

{#- An incremental run recomputes the days touched by orders or order items loaded within the
    lookback window, and today (whose stock snapshot changes run after run), and the days charged
    by fulfilment fee lines loaded within it; the post-hook removes those days' rows that no longer
    exist (their orders deleted or cancelled), as a full build would. Only those days can have lost
    a row: a deleted or cancelled order is loaded anew. -#}
{{
    config(
        materialized='incremental',
        unique_key='sku_day_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        post_hook=[
            "{{ index_incremental_mart('sku_day_key') }}",
            "delete from {{ this }} as mart
            where {{ sales_days_recomputed('mart.sales_date') }}
              and not exists (
                select 1 from {{ ref('int_sku_daily__aggregated') }} as current_days
                where {{ sales_days_recomputed('current_days.sales_date') }}
                  and current_days.sku_day_key = mart.sku_day_key
            )",
        ],
    )
}}
-- depends_on: {{ ref('order_items') }}
-- depends_on: {{ ref('orders') }}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}
-- depends_on: {{ ref('int_fulfillment_costs__allocated') }}

select *
from {{ ref('int_sku_daily__aggregated') }}
{%- if is_incremental() %}
where {{ sales_days_recomputed('sales_date') }}
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

{#- An incremental run recomputes the days touched by orders or order items loaded within the
    lookback window, and today (whose stock snapshot changes run after run), and the days charged
    by fulfilment fee lines whose allocation changed within it (collected by the pre-hook,
    macros/sales_days_recomputed.sql); the post-hook removes those days' rows that no longer
    exist (their orders deleted or cancelled), as a full build would. Only those days can have
    lost a row: a deleted or cancelled order is loaded anew. -#}
{{
    config(
        materialized='incremental',
        unique_key='sku_day_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        pre_hook="{{ collect_sales_days_recomputed(fee_days=true) }}",
        post_hook=[
            "{{ index_incremental_mart('sku_day_key') }}",
            "{{ remove_rows_of_days_recomputed_not_merged() }}",
        ],
    )
}}
-- The pre-hook's reads:
-- depends_on: {{ ref('order_items') }}
-- depends_on: {{ ref('orders') }}
-- depends_on: {{ ref('stg_shopify__order_deletions') }}
-- depends_on: {{ ref('stg_shipbob__invoice_transactions') }}
-- depends_on: {{ ref('stg_shipbob__shipment_products') }}
-- depends_on: {{ ref('stg_shipbob__return_items') }}

select *
from {{ ref('int_sku_daily__aggregated') }}
{%- if is_incremental() %}
where {{ sales_days_recomputed('sales_date') }}
{%- endif %}

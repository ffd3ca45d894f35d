{#- An incremental run recomputes the days touched by orders or order items loaded within the
    lookback window, and today (whose stock snapshot changes run after run), and the days charged
    by fulfilment fee lines whose allocation changed within it (collected by the pre-hook,
    macros/sales_days_recomputed.sql); the post-hook removes those days' rows that no longer
    exist (their orders deleted or cancelled), as a full build would (macros/recomputed_keys.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key='sku_day_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        pre_hook="{{ collect_recomputed('sales_days_changed', 'date', {'fee_days': true}) }}",
        post_hook=[
            "{{ index_incremental_mart('sku_day_key') }}",
            "{{ remove_recomputed_not_merged('sales_date') }}",
        ],
    )
}}

select *
from {{ ref('int_sku_daily__aggregated') }}
{%- if is_incremental() %}
where {{ is_recomputed('sales_date') }}
{%- endif %}

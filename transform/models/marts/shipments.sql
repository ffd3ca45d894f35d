{#- An incremental run recomputes the shipments with an input loaded within the lookback window
    (collected by the pre-hook, macros/changed_keys.sql), whole, and the post-hook removes their
    rows the model no longer gives (a deleted Shopify order's), as a full build would
    (macros/recomputed_keys.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key='shipment_item_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        meta={'hourly_test_window': '_loaded_at'},
        pre_hook="{{ collect_recomputed('changed_shipments', 'text') }}",
        post_hook=[
            "{{ index_incremental_mart('shipment_item_key', also=[['account_id', 'order_id']]) }}",
            "{{ remove_recomputed_not_merged('shipment_id') }}",
        ],
    )
}}
select
    {{ surrogate_key(['source', 'account_id', "case when source = 'amazon' then order_id end", 'shipment_id', 'shipment_item_id']) }} as shipment_item_key,
    case when order_source is not null
        then {{ surrogate_key(['order_source', 'order_account_id', 'order_id']) }}
    end                                                           as order_key,
    source,
    account_id,
    shipment_id,
    shipment_item_id,
    order_id,
    sku,
    qty,
    status,
    carrier,
    tracking_number,
    fc,
    shipped_at,
    delivered_at,
    order_source,
    order_account_id,
    _loaded_at
from {{ ref('int_shipment_items__unified') }}
{%- if is_incremental() %}
where {{ is_recomputed('shipment_id') }}
{%- endif %}

{#- Post-hook of the order marts: an incremental merge never removes a row, so rows of
    orders deleted at the source are removed here, in full builds and incremental runs alike. -#}
{% macro drop_deleted_orders() -%}
    delete from {{ this }} as mart
    using {{ ref('stg_shopify__order_deletions') }} as deleted
    where mart.source = 'shopify'
      and mart.account_id = deleted.account_id
      and mart.order_id = deleted.order_id
{%- endmacro %}

with source as (
    {{ latest_rows(raw_source('shopify', 'orders'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as order_id,
    id                                              as order_gid,
    name                                            as order_name,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('processed_at') }}                    as processed_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    {{ to_utc('cancelled_at') }}                    as cancelled_at,
    cancel_reason,
    {{ to_utc('closed_at') }}                       as closed_at,
    coalesce(test, false)                           as is_test,
    currency_code                                   as currency,
    presentment_currency_code                       as presentment_currency,
    source_name,
    display_financial_status                        as financial_status,
    display_fulfillment_status                      as fulfillment_status,
    subtotal_line_items_quantity                    as units,
    split_part(customer_id, '/', 5)                 as customer_id,
    {{ money('subtotal_price') }}                   as subtotal,
    {{ money('total_discounts') }}                  as discounts,
    {{ money('total_shipping_price') }}             as shipping,
    {{ money('total_tax') }}                        as tax,
    {{ money('total_price') }}                      as total,
    {{ money('current_total_price') }}              as current_total,
    {{ money('total_refunded') }}                   as refunded,
    _sdc_batched_at                                 as _loaded_at
from source

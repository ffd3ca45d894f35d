with source as (
    {{ latest_rows(raw_source('shopify', 'order_line_items'), ['shop', 'id'], 'order_updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as line_id,
    split_part(order_id, '/', 5)                    as order_id,
    {{ to_utc('order_updated_at') }}                as order_updated_at,
    sku,
    name                                            as line_name,
    title,
    variant_title,
    quantity,
    current_quantity,
    currency_code                                   as currency,
    {{ money('original_unit_price') }}              as unit_price,
    {{ money('original_total') }}                   as gross,
    {{ money('total_discount') }}                   as discount,
    {{ money('discounted_total') }}                 as net,
    {{ money('tax') }}                              as tax,
    split_part(variant_id, '/', 5)                  as variant_id,
    split_part(product_id, '/', 5)                  as product_id,
    _sdc_batched_at                                 as _loaded_at
from source

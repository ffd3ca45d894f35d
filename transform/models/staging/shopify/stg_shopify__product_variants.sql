with source as (
    {{ latest_rows(raw_source('shopify', 'product_variants'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as variant_id,
    split_part(product_id, '/', 5)                  as product_id,
    split_part(inventory_item_id, '/', 5)           as inventory_item_id,
    sku,
    title,
    display_name,
    position,
    {{ money('price') }}                            as price,
    {{ money('compare_at_price') }}                 as compare_at_price,
    barcode,
    available_for_sale                              as is_available_for_sale,
    inventory_quantity,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shopify', 'products'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as product_id,
    title,
    handle,
    product_type,
    vendor,
    status,
    total_inventory,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('published_at') }}                    as published_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

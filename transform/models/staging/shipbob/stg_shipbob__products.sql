with source as (
    {{ latest_rows(raw_source('shipbob', 'products'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as product_id,
    name,
    type,
    user_id,
    {{ to_utc('created_on') }}                      as created_at,
    {{ to_utc('updated_on') }}                      as updated_at,
    taxonomy,
    variant_ids,
    _sdc_batched_at                                 as _loaded_at
from source

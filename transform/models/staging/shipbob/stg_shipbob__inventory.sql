with source as (
    {{ latest_rows(raw_source('shipbob', 'inventory'), ['account_id', 'inventory_id']) }}
)

select
    account_id,
    inventory_id,
    name,
    sku,
    barcode,
    is_case,
    is_lot,
    user_id,
    is_active,
    is_bundle,
    is_digital,
    dimensions,
    weight,
    _sdc_batched_at                                 as _loaded_at
from source

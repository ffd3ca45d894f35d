with source as (
    {{ latest_rows(raw_source('shipbob', 'inventory_levels'), ['account_id', 'inventory_id', 'location_id']) }}
)

select
    account_id,
    inventory_id,
    location_id,
    location_name,
    sku,
    name,
    on_hand_quantity,
    committed_quantity,
    fulfillable_quantity,
    awaiting_quantity,
    internal_transfer_quantity,
    _sdc_batched_at                                 as _loaded_at
from source

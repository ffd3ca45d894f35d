with source as (
    {{ latest_rows(raw_source('shipbob', 'inventory_lot_levels'), ['account_id', 'inventory_id', 'lot_number', 'location_id']) }}
)

select
    account_id,
    inventory_id,
    lot_number,
    {{ to_utc('lot_date') }}                        as lot_expires_at,
    location_id,
    location_name,
    sku,
    on_hand_quantity,
    committed_quantity,
    fulfillable_quantity,
    awaiting_quantity,
    internal_transfer_quantity,
    _sdc_batched_at                                 as _loaded_at
from source

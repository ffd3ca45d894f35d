with source as (
    {{ latest_rows(raw_source('shipbob', 'return_items'), ['account_id', 'return_id', 'inventory_id', 'occurrence']) }}
)

select
    account_id,
    return_id,
    inventory_id,
    occurrence,
    name,
    sku,
    quantity,
    action_requested,
    action_requested_type,
    lot_number,
    {{ to_utc('lot_expiration') }}                  as lot_expires_at,
    _sdc_batched_at                                 as _loaded_at
from source

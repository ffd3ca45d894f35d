with source as (
    {{ latest_rows(raw_source('shipbob', 'receiving_items'), ['account_id', 'receiving_order_id', 'inventory_id', 'occurrence']) }}
)

select
    account_id,
    receiving_order_id,
    inventory_id,
    occurrence,
    sku,
    expected_quantity,
    received_quantity,
    stowed_quantity,
    _sdc_batched_at                                 as _loaded_at
from source

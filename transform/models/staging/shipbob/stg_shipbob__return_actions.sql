with source as (
    {{ latest_rows(raw_source('shipbob', 'return_actions'), ['account_id', 'return_id', 'inventory_id', 'item_occurrence', 'action_number']) }}
)

select
    account_id,
    return_id,
    inventory_id,
    item_occurrence,
    action_number,
    action,
    action_reason,
    quantity_processed,
    image_url,
    _sdc_batched_at                                 as _loaded_at
from source

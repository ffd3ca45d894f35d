with source as (
    {{ latest_rows(raw_source('shipbob', 'receiving_boxes'), ['account_id', 'receiving_order_id', 'box_id']) }}
)

select
    account_id,
    receiving_order_id,
    box_id,
    box_number,
    box_status,
    tracking_number,
    {{ to_utc('arrived_date') }}                    as arrived_at,
    {{ to_utc('received_date') }}                   as received_at,
    {{ to_utc('counting_started_date') }}           as counting_started_at,
    box_items,
    _sdc_batched_at                                 as _loaded_at
from source

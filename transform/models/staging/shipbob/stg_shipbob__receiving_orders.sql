with source as (
    {{ latest_rows(raw_source('shipbob', 'receiving_orders'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as receiving_order_id,
    purchase_order_number,
    status,
    box_packaging_type,
    package_type,
    {{ to_utc('expected_arrival_date') }}           as expected_arrival_at,
    {{ to_utc('insert_date') }}                     as inserted_at,
    {{ to_utc('last_updated_date') }}               as last_updated_at,
    fulfillment_center_id,
    fulfillment_center_name,
    status_history,
    _sdc_batched_at                                 as _loaded_at
from source

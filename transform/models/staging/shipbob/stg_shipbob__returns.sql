with source as (
    {{ latest_rows(raw_source('shipbob', 'returns'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as return_id,
    reference_id,
    store_order_id,
    original_shipment_id,
    shipment_tracking_number,
    tracking_number,
    return_type,
    status,
    {{ to_utc('insert_date') }}                     as inserted_at,
    {{ to_utc('awaiting_arrival_date') }}           as awaiting_arrival_at,
    {{ to_utc('arrived_date') }}                    as arrived_at,
    {{ to_utc('processing_date') }}                 as processing_started_at,
    {{ to_utc('completed_date') }}                  as completed_at,
    {{ to_utc('cancelled_date') }}                  as cancelled_at,
    channel_id,
    channel_name,
    fulfillment_center_id,
    fulfillment_center_name,
    {{ money('invoice_amount') }}                   as invoice_amount,
    invoice_currency_code,
    transactions,
    status_history,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shipbob', 'fulfillment_centers'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as fulfillment_center_id,
    name,
    address1,
    address2,
    city,
    state,
    country,
    zip_code,
    phone_number,
    email,
    timezone,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shipbob', 'channels'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as channel_id,
    name,
    application_name,
    scopes,
    _sdc_batched_at                                 as _loaded_at
from source

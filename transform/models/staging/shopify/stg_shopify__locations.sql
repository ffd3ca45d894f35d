with source as (
    {{ latest_rows(raw_source('shopify', 'locations'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as location_id,
    name                                            as location_name,
    is_active,
    fulfills_online_orders,
    city,
    province_code,
    country_code,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

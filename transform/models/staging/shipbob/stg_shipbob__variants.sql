with source as (
    {{ latest_rows(raw_source('shipbob', 'variants'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as variant_id,
    product_id,
    name,
    sku,
    status,
    {{ to_utc('created_on') }}                      as created_at,
    {{ to_utc('updated_on') }}                      as updated_at,
    is_digital,
    gtin,
    upc,
    inventory_id,
    is_lot,
    {{ money('weight') }}                           as weight,
    weight_unit,
    {{ money('customs_value') }}                    as customs_value,
    customs_currency,
    country_code_of_origin,
    hs_tariff_code,
    dimension,
    channel_metadata,
    _sdc_batched_at                                 as _loaded_at
from source

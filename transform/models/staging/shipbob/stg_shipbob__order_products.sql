with source as (
    {{ latest_rows(raw_source('shipbob', 'order_products'), ['account_id', 'order_id', 'product_id', 'occurrence']) }}
)

select
    account_id,
    order_id,
    product_id,
    occurrence,
    reference_id,
    sku,
    quantity,
    {{ money('unit_price') }}                       as unit_price,
    external_line_id,
    gtin,
    upc,
    quantity_unit_of_measure_code,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shipbob', 'shipment_products'), ['account_id', 'shipment_id', 'product_id', 'inventory_id', 'occurrence']) }}
)

select
    account_id,
    shipment_id,
    order_id,
    product_id,
    inventory_id,
    occurrence,
    reference_id,
    sku,
    name,
    inventory_name,
    quantity,
    quantity_committed,
    lot,
    {{ to_utc('expiration_date') }}                 as expires_at,
    is_dangerous_goods,
    serial_numbers,
    _sdc_batched_at                                 as _loaded_at
from source

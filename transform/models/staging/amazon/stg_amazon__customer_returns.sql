with source as (
    {{ latest_rows(raw_source('amazon', 'customer_returns'), ['order_id', 'sku', 'return_date', 'license_plate_number', 'row_occurrence']) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    order_id,
    sku,
    asin,
    fnsku,
    product_name,
    {{ to_utc('return_date') }}                     as returned_at,
    license_plate_number,
    row_occurrence,
    fulfillment_center_id,
    detailed_disposition,
    reason,
    status,
    customer_comments,
    quantity,
    _sdc_batched_at                                 as _loaded_at
from source

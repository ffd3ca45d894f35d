with source as (
    {{ latest_rows(raw_source('amazon', 'settlement_lines'), ['settlement_id', 'line_number']) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    settlement_id,
    line_number,
    transaction_type,
    order_id,
    merchant_order_id,
    adjustment_id,
    shipment_id,
    marketplace_name,
    amount_type,
    amount_description,
    fulfillment_id,
    order_item_code,
    sku,
    promotion_id,
    {{ money('amount') }}                           as amount,
    currency,
    quantity_purchased,
    coalesce({{ to_utc('posted_date_time') }}, {{ to_utc('posted_date') }}) as posted_at,
    _sdc_batched_at                                 as _loaded_at
from source

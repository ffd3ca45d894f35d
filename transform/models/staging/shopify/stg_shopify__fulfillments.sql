with source as (
    {{ latest_rows(raw_source('shopify', 'fulfillments'), ['shop', 'id'], 'order_updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as fulfillment_id,
    split_part(order_id, '/', 5)                    as order_id,
    name                                            as fulfillment_name,
    status,
    display_status,
    total_quantity,
    split_part(location_id, '/', 5)                 as location_id,
    tracking_company,
    tracking_numbers[1]                             as tracking_number,
    fulfillment_line_items,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    {{ to_utc('in_transit_at') }}                   as in_transit_at,
    {{ to_utc('delivered_at') }}                    as delivered_at,
    currency_code                                   as currency,
    _sdc_batched_at                                 as _loaded_at
from source

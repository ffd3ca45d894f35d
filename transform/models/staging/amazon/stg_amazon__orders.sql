with source as (
    {{ latest_rows(raw_source('amazon', 'orders'), ['amazon_order_id'], 'last_updated_date') }}
)

select
    -- A Multi-Channel Fulfillment order names no marketplace when several are configured: it
    -- belongs to the seller's NON_AMAZON account (see the accounts mart).
    selling_partner_id || ':' || coalesce(marketplace_id, 'NON_AMAZON') as account_id,
    selling_partner_id,
    marketplace_id,
    amazon_order_id                                 as order_id,
    merchant_order_id,
    {{ to_utc('purchase_date') }}                   as purchase_date,
    {{ to_utc('last_updated_date') }}               as updated_at,
    order_status,
    fulfillment_channel,
    sales_channel,
    ship_service_level,
    currency,
    {{ money('order_total') }}                      as order_total,
    coalesce(is_business_order, false)              as is_business_order,
    -- Only searchOrders says whether an order is a replacement; the orders report does not.
    coalesce(is_replacement_order, false)           as is_replacement_order,
    replaced_order_id,
    purchase_order_number,
    source                                          as extracted_by,
    {{ to_utc('_sdc_extracted_at') }}             as _extracted_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('amazon', 'financial_events'), ['event_id']) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    event_id,
    event_type,
    amazon_order_id                                 as order_id,
    seller_order_id,
    {{ to_utc('posted_date') }}                     as posted_at,
    marketplace_name,
    seller_sku                                      as sku,
    {{ money('amount') }}                           as amount,
    currency,
    event,
    {{ to_utc('_sdc_extracted_at') }}             as _extracted_at,
    _sdc_batched_at                                 as _loaded_at
from source

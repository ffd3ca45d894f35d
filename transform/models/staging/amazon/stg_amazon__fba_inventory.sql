with source as (
    {{ latest_rows(raw_source('amazon', 'fba_inventory'), ['selling_partner_id', 'marketplace_id', 'seller_sku'], 'last_updated_time', primary_key=false) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    seller_sku                                      as sku,
    asin,
    fn_sku                                          as fnsku,
    product_name,
    condition,
    total_quantity,
    fulfillable_quantity,
    inbound_working_quantity,
    inbound_shipped_quantity,
    inbound_receiving_quantity,
    reserved_quantity,
    researching_quantity,
    unfulfillable_quantity,
    {{ to_utc('last_updated_time') }}               as updated_at,
    {{ to_utc('_sdc_extracted_at') }}             as _extracted_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('shopify', 'inventory_items'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as inventory_item_id,
    sku,
    tracked                                         as is_tracked,
    requires_shipping,
    country_code_of_origin,
    harmonized_system_code,
    {{ money('unit_cost') }}                        as unit_cost,
    unit_cost_currency,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

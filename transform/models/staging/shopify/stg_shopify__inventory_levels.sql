with source as (
    {{ latest_rows(raw_source('shopify', 'inventory_levels'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    id                                              as inventory_level_gid,
    split_part(location_id, '/', 5)                 as location_id,
    split_part(inventory_item_id, '/', 5)           as inventory_item_id,
    available,
    on_hand,
    committed,
    incoming,
    reserved,
    damaged,
    safety_stock,
    quality_control,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

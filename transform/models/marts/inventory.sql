-- Current stock per SKU and location: Shopify inventory levels per location, Amazon FBA stock
-- per marketplace (the inventory summaries do not break stock down by centre), and ShipBob stock
-- per fulfillment centre.
select
    {{ surrogate_key(["'shopify'", 'levels.account_id', 'levels.location_id', 'levels.inventory_item_id']) }} as inventory_key,
    'shopify'                                                     as source,
    levels.account_id,
    levels.location_id,
    locations.location_name                                       as fc,
    variants.sku,
    cast(null as text)                                            as asin,
    cast(null as text)                                            as fnsku,
    levels.on_hand,
    levels.available,
    coalesce(levels.committed, 0) + coalesce(levels.reserved, 0)  as reserved,
    coalesce(levels.incoming, 0)                                  as inbound,
    coalesce(levels.damaged, 0) + coalesce(levels.quality_control, 0) as unfulfillable,
    levels.updated_at
from {{ ref('stg_shopify__inventory_levels') }} as levels
left join {{ ref('stg_shopify__product_variants') }} as variants
    on variants.account_id = levels.account_id and variants.inventory_item_id = levels.inventory_item_id
left join {{ ref('stg_shopify__locations') }} as locations
    on locations.account_id = levels.account_id and locations.location_id = levels.location_id

union all

select
    {{ surrogate_key(["'amazon'", 'account_id', 'marketplace_id', 'sku']) }},
    'amazon',
    account_id,
    marketplace_id,
    cast(null as text),
    sku,
    asin,
    fnsku,
    total_quantity
        - coalesce(inbound_working_quantity, 0) - coalesce(inbound_shipped_quantity, 0)
        - coalesce(inbound_receiving_quantity, 0),
    fulfillable_quantity,
    coalesce(reserved_quantity, 0),
    coalesce(inbound_working_quantity, 0) + coalesce(inbound_shipped_quantity, 0)
        + coalesce(inbound_receiving_quantity, 0),
    coalesce(unfulfillable_quantity, 0),
    updated_at
from {{ ref('stg_amazon__fba_inventory') }}

union all

-- ShipBob: one row per SKU and centre. The centre's figures already span the item's lots (the
-- per-lot levels break the same stock down, so adding them would count it twice). Summed per
-- SKU: the grain is (account, centre, SKU) by construction, whatever items share a SKU.
select
    {{ surrogate_key(["'shipbob'", 'account_id', 'location_id', 'sku']) }},
    'shipbob',
    account_id,
    cast(location_id as text),
    min(location_name),
    sku,
    cast(null as text),
    cast(null as text),
    sum(on_hand_quantity),
    sum(fulfillable_quantity),
    sum(coalesce(committed_quantity, 0)),
    sum(coalesce(awaiting_quantity, 0)),
    -- Present but neither committed nor fulfillable: exception stock (damaged, lost, under
    -- investigation, expired lots), which the per-centre levels do not name.
    sum(greatest(
        coalesce(on_hand_quantity, 0) - coalesce(committed_quantity, 0) - coalesce(fulfillable_quantity, 0), 0
    )),
    cast(null as timestamptz)
from {{ ref('stg_shipbob__inventory_levels') }}
group by account_id, location_id, sku

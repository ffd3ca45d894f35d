-- One row per SKU across channels: the Shopify variant, the Amazon listing and the ShipBob
-- inventory item that share it.
with shopify as (
    select distinct on (sku) sku, account_id, variant_id, product_id, display_name as title
    from {{ ref('stg_shopify__product_variants') }}
    where sku is not null
    order by sku, account_id, variant_id
),

amazon as (
    select
        sku,
        min(asin)                                                 as asin,
        min(fnsku)                                                as fnsku,
        min(product_name)                                         as title,
        string_agg(distinct marketplace_id, ',' order by marketplace_id) as marketplace_ids
    from {{ ref('int_amazon_listings__collected') }}
    group by sku
),

shipbob as (
    select distinct on (sku) sku, account_id, inventory_id, name as title
    from {{ ref('stg_shipbob__inventory') }}
    where sku is not null
    order by sku, account_id, inventory_id
),

-- Every SKU any channel knows, once.
known as (
    select sku from shopify
    union
    select sku from amazon
    union
    select sku from shipbob
)

select
    {{ surrogate_key(['known.sku']) }}                            as sku_key,
    known.sku,
    coalesce(shopify.title, amazon.title, shipbob.title)          as title,
    shopify.account_id                                            as shopify_account_id,
    shopify.variant_id                                            as shopify_variant_id,
    shopify.product_id                                            as shopify_product_id,
    amazon.asin,
    amazon.fnsku,
    amazon.marketplace_ids                                        as amazon_marketplace_ids,
    shopify.sku is not null                                       as is_on_shopify,
    amazon.sku is not null                                        as is_on_amazon,
    shipbob.account_id                                            as shipbob_account_id,
    shipbob.inventory_id                                          as shipbob_inventory_id,
    shipbob.sku is not null                                       as is_at_shipbob
from known
left join shopify on shopify.sku = known.sku
left join amazon on amazon.sku = known.sku
left join shipbob on shipbob.sku = known.sku

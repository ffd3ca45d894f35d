-- One row per SKU across channels: the Shopify variant and the Amazon listing that share it.
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
)

select
    {{ surrogate_key(['coalesce(shopify.sku, amazon.sku)']) }}    as sku_key,
    coalesce(shopify.sku, amazon.sku)                             as sku,
    coalesce(shopify.title, amazon.title)                         as title,
    shopify.account_id                                            as shopify_account_id,
    shopify.variant_id                                            as shopify_variant_id,
    shopify.product_id                                            as shopify_product_id,
    amazon.asin,
    amazon.fnsku,
    amazon.marketplace_ids                                        as amazon_marketplace_ids,
    shopify.sku is not null                                       as is_on_shopify,
    amazon.sku is not null                                        as is_on_amazon
from shopify
full outer join amazon on amazon.sku = shopify.sku

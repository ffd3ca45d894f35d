-- Sellable variants: Shopify product variants, and Amazon seller SKUs per marketplace.
select
    {{ surrogate_key(["'shopify'", 'account_id', 'variant_id']) }} as variant_key,
    {{ surrogate_key(["'shopify'", 'account_id', 'product_id']) }} as product_key,
    'shopify'                                                     as source,
    account_id,
    variant_id,
    product_id,
    sku,
    display_name                                                  as title,
    cast(null as text)                                            as asin,
    cast(null as text)                                            as fnsku,
    barcode,
    price,
    shop.currency,
    variants.updated_at
from {{ ref('stg_shopify__product_variants') }} as variants
join {{ ref('stg_shopify__shop') }} as shop using (account_id)

union all

select
    {{ surrogate_key(["'amazon'", 'account_id', 'sku']) }},
    case when asin is not null then {{ surrogate_key(["'amazon'", 'account_id', 'asin']) }} end,
    'amazon',
    account_id,
    sku,
    asin,
    sku,
    product_name,
    asin,
    fnsku,
    cast(null as text),
    cast(null as numeric),
    cast(null as text),
    cast(null as timestamptz)
from {{ ref('int_amazon_listings__collected') }}

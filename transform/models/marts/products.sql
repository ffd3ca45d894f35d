-- Products: Shopify products, and Amazon catalog items (one per ASIN and marketplace).
select
    {{ surrogate_key(["'shopify'", 'account_id', 'product_id']) }} as product_key,
    'shopify'                                                     as source,
    account_id,
    product_id,
    title,
    product_type,
    vendor,
    status,
    updated_at
from {{ ref('stg_shopify__products') }}

union all

select
    {{ surrogate_key(["'amazon'", 'account_id', 'asin']) }},
    'amazon',
    account_id,
    asin,
    min(product_name),
    cast(null as text),
    cast(null as text),
    'ACTIVE',
    cast(null as timestamptz)
from {{ ref('int_amazon_listings__collected') }}
where asin is not null
group by account_id, asin

-- One row per Shopify shop and per Amazon seller-marketplace.
select
    {{ surrogate_key(["'shopify'", 'account_id']) }}              as account_key,
    'shopify'                                                     as source,
    account_id,
    account_name,
    cast(null as text)                                            as selling_partner_id,
    cast(null as text)                                            as marketplace_id,
    currency,
    timezone,
    _loaded_at
from {{ ref('stg_shopify__shop') }}

union all

-- Amazon reports settlements and order dates in UTC; the marketplace has no account time zone.
select
    {{ surrogate_key(["'amazon'", 'account_id']) }},
    'amazon',
    account_id,
    coalesce(store_name, '') || ' (' || marketplace_name || ')',
    selling_partner_id,
    marketplace_id,
    currency,
    'UTC',
    _loaded_at
from {{ ref('stg_amazon__marketplace_participations') }}

union all

-- Multi-Channel Fulfillment orders (sales channel Non-Amazon) name no marketplace when the seller
-- has several: each such seller gets one NON_AMAZON account. Its orders carry their own currency.
select
    {{ surrogate_key(["'amazon'", 'account_id']) }},
    'amazon',
    account_id,
    'Non-Amazon (Multi-Channel Fulfillment)',
    selling_partner_id,
    cast(null as text),
    'XXX',
    'UTC',
    max(_loaded_at)
from {{ ref('stg_amazon__orders') }}
where marketplace_id is null
group by account_id, selling_partner_id

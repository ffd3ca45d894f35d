-- One row per Shopify shop, per Amazon seller-marketplace and per ShipBob account (user).
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

union all

-- One row per ShipBob account (user): it sells through the channels it fulfils for, so it has
-- no shop name of its own; its currency is the one it is invoiced in (XXX when none or several),
-- and the API speaks UTC.
select
    {{ surrogate_key(["'shipbob'", 'channels.account_id']) }},
    'shipbob',
    channels.account_id,
    'ShipBob user ' || channels.account_id,
    cast(null as text),
    cast(null as text),
    case when count(distinct invoices.currency_code) = 1 then min(invoices.currency_code) else 'XXX' end,
    'UTC',
    max(channels._loaded_at)
from {{ ref('stg_shipbob__channels') }} as channels
left join {{ ref('stg_shipbob__invoices') }} as invoices
    on invoices.account_id = channels.account_id
group by channels.account_id

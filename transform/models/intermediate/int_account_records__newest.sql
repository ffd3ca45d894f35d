-- The newest record each account has in the raw data (its updated_at, as the API gave it) and
-- when the loader last wrote one (_sdc_batched_at): how fresh the data itself is, whatever
-- the run history says. A channel's records are its orders; FreeAgent's (the books, per
-- company) its bank transactions, which the bank feeds every day.
with records as (
    select 'shopify' as source, account_id, updated_at, _loaded_at from {{ ref('stg_shopify__orders') }}
    union all
    select 'amazon' as source, account_id, updated_at, _loaded_at from {{ ref('stg_amazon__orders') }}
    union all
    select 'freeagent' as source, account_id, updated_at, _loaded_at from {{ ref('stg_freeagent__bank_transactions') }}
    union all
    -- ShipBob's order carries no update time of its own: the latest of its creation and its
    -- shipments' updates (the tap's last_update_at).
    select 'shipbob' as source, account_id, last_update_at, _loaded_at from {{ ref('stg_shipbob__orders') }}
)

select
    source,
    account_id,
    max(updated_at)                                 as newest_record_at,
    max(_loaded_at) at time zone 'UTC'              as last_loaded_at
from records
group by source, account_id

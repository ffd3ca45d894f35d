with source as (
    {{ latest_rows(raw_source('shipbob', 'channels'), ['account_id', 'id']) }}
)

select
    account_id,
    id                                              as channel_id,
    name,
    application_name,
    scopes,
    -- Whose orders the channel imports, as the marts name them: a Shopify store's channel is
    -- named by its shop domain, the Shopify account id. Other channels' orders are no warehouse
    -- source's.
    case when application_name = 'Shopify' then 'shopify' end as order_source,
    case when application_name = 'Shopify' then name end as order_account_id,
    _sdc_batched_at                                 as _loaded_at
from source

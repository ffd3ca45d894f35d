with source as (
    {{ latest_rows(raw_source('amazon', 'marketplace_participations'), ['selling_partner_id', 'marketplace_id'], primary_key=false) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    name                                            as marketplace_name,
    store_name,
    country_code,
    default_currency_code                           as currency,
    default_language_code                           as language_code,
    domain_name,
    is_participating,
    has_suspended_listings,
    _sdc_batched_at                                 as _loaded_at
from source

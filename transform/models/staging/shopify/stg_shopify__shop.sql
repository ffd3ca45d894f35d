with source as (
    {{ latest_rows(raw_source('shopify', 'shop'), ['shop']) }}
)

select
    shop                                            as account_id,
    id                                              as shop_gid,
    name                                            as account_name,
    currency_code                                   as currency,
    iana_timezone                                   as timezone,
    taxes_included,
    plan_display_name,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

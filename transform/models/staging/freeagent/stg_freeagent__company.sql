with source as (
    {{ latest_rows(raw_source('freeagent', 'company'), ['company_id']) }}
)

select
    company_id                                      as account_id,
    name                                            as company_name,
    subdomain,
    type                                            as company_type,
    currency,
    country,
    freeagent_start_date,
    _sdc_batched_at                                 as _loaded_at
from source

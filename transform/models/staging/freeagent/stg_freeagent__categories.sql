with source as (
    {{ latest_rows(raw_source('freeagent', 'categories'), ['company_id', 'nominal_code']) }}
)

select
    company_id                                      as account_id,
    nominal_code,
    description                                     as category_name,
    "group"                                         as category_group,
    tax_reporting_name,
    allowable_for_tax,
    _sdc_batched_at                                 as _loaded_at
from source

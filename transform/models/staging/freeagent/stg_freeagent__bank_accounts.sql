with source as (
    {{ latest_rows(raw_source('freeagent', 'bank_accounts'), ['company_id', 'id']) }}
)

select
    company_id                                      as account_id,
    id                                              as bank_account_id,
    name                                            as bank_account_name,
    type                                            as bank_account_type,
    currency,
    is_primary,
    status,
    bank_name,
    {{ money('opening_balance') }}                  as opening_balance,
    {{ money('current_balance') }}                  as current_balance,
    latest_activity_date,
    _sdc_batched_at                                 as _loaded_at
from source

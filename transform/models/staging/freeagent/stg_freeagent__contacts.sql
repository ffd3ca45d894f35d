with source as (
    {{ latest_rows(raw_source('freeagent', 'contacts'), ['company_id', 'id'], 'updated_at') }}
)

select
    company_id                                      as account_id,
    id                                              as contact_id,
    coalesce(nullif(organisation_name, ''), nullif(trim(concat_ws(' ', first_name, last_name)), '')) as contact_name,
    country,
    status,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

with source as (
    {{ latest_rows(raw_source('amazon', 'financial_event_groups'), ['financial_event_group_id']) }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    financial_event_group_id,
    processing_status,
    fund_transfer_status,
    {{ money('original_total') }}                   as original_total,
    original_currency,
    {{ money('converted_total') }}                  as converted_total,
    converted_currency,
    {{ money('beginning_balance') }}                as beginning_balance,
    beginning_balance_currency,
    {{ to_utc('fund_transfer_date') }}              as fund_transfer_date,
    trace_id,
    account_tail,
    {{ to_utc('financial_event_group_start') }}     as group_start,
    {{ to_utc('financial_event_group_end') }}       as group_end,
    {{ to_utc('_sdc_extracted_at') }}             as _extracted_at,
    _sdc_batched_at                                 as _loaded_at
from source

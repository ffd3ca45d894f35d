with source as (
    {{ latest_rows(raw_source('amazon', 'settlements'), ['settlement_id'], 'report_created_time') }}
)

select
    selling_partner_id || ':' || marketplace_id     as account_id,
    selling_partner_id,
    marketplace_id,
    settlement_id,
    {{ to_utc('settlement_start_date') }}           as period_start,
    {{ to_utc('settlement_end_date') }}             as period_end,
    {{ to_utc('deposit_date') }}                    as deposit_date,
    {{ money('total_amount') }}                     as total_amount,
    currency,
    report_id,
    {{ to_utc('report_created_time') }}             as report_created_at,
    _sdc_batched_at                                 as _loaded_at
from source

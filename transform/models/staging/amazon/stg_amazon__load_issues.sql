with source as (
    {{ latest_rows(raw_source('amazon', 'load_issues'), ['issue_id'], 'seen_at') }}
)

select
    issue_id,
    selling_partner_id || ':' || coalesce(marketplace_id, 'unknown') as account_id,
    selling_partner_id,
    marketplace_id,
    stream,
    operation,
    report_type,
    report_id,
    document_id,
    row_number,
    column_name,
    raw_value,
    reason,
    cast(raw_row as jsonb)                          as raw_row,
    {{ to_utc('seen_at') }}                         as seen_at,
    _sdc_batched_at                                 as _loaded_at
from source

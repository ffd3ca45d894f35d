with source as (
    {{ latest_rows(raw_source('shipbob', 'load_issues'), ['issue_id'], 'seen_at') }}
)

select
    issue_id,
    account_id,
    stream,
    operation,
    row_number,
    column_name,
    raw_value,
    reason,
    cast(raw_row as jsonb)                          as raw_row,
    {{ to_utc('seen_at') }}                         as seen_at,
    _sdc_batched_at                                 as _loaded_at
from source

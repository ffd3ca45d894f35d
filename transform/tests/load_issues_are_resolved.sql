-- Warns while rows set aside by the Amazon and ShipBob taps (values it could not read) have not loaded:
-- their money and dates are missing from the marts until they do. See warehouse.load_issues.
-- Hourly run: the issues loaded (seen again) within the lookback window, so a new one warns the
-- hour it is loaded; the daily build warns of every issue still open, however old.
{{ config(severity='warn') }}

select issue_id, stream, document_id, row_number, column_name, raw_value, reason
from {{ ref('load_issues') }}
where not is_resolved and {{ hourly_window(ref('load_issues')) }}

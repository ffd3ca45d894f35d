-- Warns while rows set aside by the Amazon and ShipBob taps (values it could not read) have not loaded:
-- their money and dates are missing from the marts until they do. See warehouse.load_issues.
{{ config(severity='warn') }}

select issue_id, stream, document_id, row_number, column_name, raw_value, reason
from {{ ref('load_issues') }}
where not is_resolved

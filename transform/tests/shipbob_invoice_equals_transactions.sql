-- Reconciliation, to the cent, for every ShipBob invoice: its amount equals the sum of its fee
-- lines (invoice transactions, fulfillment_costs).
-- Hourly run: the invoices touched within the lookback window (the invoice or one of its fee
-- lines loaded in it), each with all its lines; the daily build checks every invoice.
{%- set touched_by = [(ref('stg_shipbob__invoices'), 'account_id, invoice_id'), (ref('fulfillment_costs'), 'account_id, invoice_id')] %}
select
    invoices.account_id,
    invoices.invoice_id,
    invoices.amount,
    coalesce(lines.total, 0) as lines_total
from {{ ref('stg_shipbob__invoices') }} as invoices
left join (
    select account_id, invoice_id, sum(amount) as total
    from {{ ref('fulfillment_costs') }}
    where {{ hourly_touched('(account_id, invoice_id)', touched_by) }}
    group by account_id, invoice_id
) as lines on lines.account_id = invoices.account_id and lines.invoice_id = invoices.invoice_id
where {{ hourly_touched('(invoices.account_id, invoices.invoice_id)', touched_by) }}
  and round(invoices.amount, 2) <> round(coalesce(lines.total, 0), 2)

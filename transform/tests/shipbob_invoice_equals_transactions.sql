-- Reconciliation, to the cent, for every ShipBob invoice: its amount equals the sum of its fee
-- lines (invoice transactions, fulfillment_costs).
select
    invoices.account_id,
    invoices.invoice_id,
    invoices.amount,
    coalesce(lines.total, 0) as lines_total
from {{ ref('stg_shipbob__invoices') }} as invoices
left join (
    select account_id, invoice_id, sum(amount) as total
    from {{ ref('fulfillment_costs') }}
    group by account_id, invoice_id
) as lines on lines.account_id = invoices.account_id and lines.invoice_id = invoices.invoice_id
where round(invoices.amount, 2) <> round(coalesce(lines.total, 0), 2)

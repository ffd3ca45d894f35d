-- Reconciliation, to the cent: each settlement's total (the amount deposited) equals the sum
-- of its lines, and its gross, fees, refunds and other add up to it.
select
    settlements.settlement_key,
    settlements.source,
    settlements.settlement_id,
    settlements.net,
    coalesce(lines.total, 0) as lines_total
from {{ ref('settlements') }} as settlements
left join (
    select settlement_key, sum(amount) as total
    from {{ ref('settlement_lines') }}
    group by settlement_key
) as lines on lines.settlement_key = settlements.settlement_key
where round(settlements.net, 2) <> round(coalesce(lines.total, 0), 2)
   or round(settlements.gross + settlements.fees + settlements.refunds + settlements.other, 2) <> round(settlements.net, 2)

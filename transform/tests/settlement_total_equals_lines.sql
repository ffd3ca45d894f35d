-- Reconciliation, to the cent, for every Amazon settlement and Shopify payout: its total (the
-- amount deposited) equals the sum of its lines, and
-- gross + refunds + fees + reserves + transfers + other = net.
-- Hourly run: the settlements touched within the lookback window (the settlement or one of its
-- lines loaded in it), each with all its lines; the daily build checks every settlement.
{%- set touched_by = [(ref('settlements'), 'settlement_key'), (ref('settlement_lines'), 'settlement_key')] %}
select
    settlements.settlement_key,
    settlements.source,
    settlements.settlement_id,
    settlements.net,
    coalesce(lines.total, 0) as lines_total,
    settlements.gross + settlements.refunds + settlements.fees + settlements.reserves
        + settlements.transfers + settlements.other as categories_total
from {{ ref('settlements') }} as settlements
left join (
    select settlement_key, sum(amount) as total
    from {{ ref('settlement_lines') }}
    where {{ hourly_touched('settlement_key', touched_by) }}
    group by settlement_key
) as lines on lines.settlement_key = settlements.settlement_key
-- A settlement with a row set aside (load_issues, which warns) lacks that row until it loads.
left join (
    select distinct settlement_id from {{ ref('load_issues') }} where not is_resolved
) as set_aside on settlements.source = 'amazon' and set_aside.settlement_id = settlements.settlement_id
where set_aside.settlement_id is null
  and {{ hourly_touched('settlements.settlement_key', touched_by) }}
  and (
    round(settlements.net, 2) <> round(coalesce(lines.total, 0), 2)
    or round(
        settlements.gross + settlements.refunds + settlements.fees + settlements.reserves
        + settlements.transfers + settlements.other, 2
    ) <> round(settlements.net, 2)
  )

-- Reconciliation: every payout matched to a bank deposit agrees with it to the cent (a deposit a
-- few pence off is matched as near_amount so that this fails and names it), and no payout of the
-- warehouse is left out of payout_deposits or counted twice.
-- Hourly run: the payouts touched within the lookback window (the payout, or a deposit it lists,
-- loaded in it: payout_deposits._loaded_at), each with all its rows; the daily build checks every
-- payout.
{%- set touched_by = [(ref('settlements'), 'source, account_id, settlement_id'), (ref('payout_deposits'), 'source, account_id, settlement_id')] %}
select
    'differs' as problem, source, account_id, settlement_id, difference
from {{ ref('payout_deposits') }}
where row_type = 'payout' and status = 'matched' and difference <> 0
  and {{ hourly_window(ref('payout_deposits')) }}

union all

select
    'not reconciled', settlements.source, settlements.account_id, settlements.settlement_id, null
from {{ ref('settlements') }} as settlements
left join {{ ref('payout_deposits') }} as rows
    on rows.row_type = 'payout' and rows.source = settlements.source
    and rows.account_id = settlements.account_id and rows.settlement_id = settlements.settlement_id
where {{ hourly_touched('(settlements.source, settlements.account_id, settlements.settlement_id)', touched_by) }}
group by settlements.source, settlements.account_id, settlements.settlement_id
having count(rows.settlement_id) <> 1

-- Reconciliation, to the cent: a Shopify payout equals the sum of its balance transactions.
-- Daily build only: it reads the staging views whole (every raw version of every payout and
-- balance transaction, de-duplicated). The hourly run checks the same sum on the marts, for the
-- payouts touched in its window: settlement_total_equals_lines (a payout's net against its
-- settlement lines, which are its balance transactions and their fees).
{{ config(tags=['daily_only']) }}
select
    payouts.account_id,
    payouts.payout_id,
    payouts.net,
    coalesce(transactions.net, 0) as transactions_net
from {{ ref('stg_shopify__payouts') }} as payouts
left join (
    select account_id, payout_id, sum(net) as net
    from {{ ref('stg_shopify__balance_transactions') }}
    group by account_id, payout_id
) as transactions
    on transactions.account_id = payouts.account_id and transactions.payout_id = payouts.payout_id
where round(payouts.net, 2) <> round(coalesce(transactions.net, 0), 2)

-- Every (payout, bank deposit) pair that the matching rules allow, one row per pair and rule:
--   exact     the deposit's amount and currency are the payout's, dated from the day the channel
--             sent the money to `payout_deposit_window_days` after;
--   combined  no deposit is exact for either of two consecutive payouts of one account (same
--             channel, account and currency), and one deposit in the later payout's window is
--             their sum (a bank that credits two transfers as one);
--   near      no deposit is exact or combined, and one is within `payout_deposit_near_tolerance`
--             of the amount, same currency and window (a deposit a few pence off: to look at).
-- Deposits the bank reversed are candidates too, flagged, so a payout whose only deposit was
-- reversed is told apart from one that never arrived. The reversal debits themselves never are.
{% set window = var('payout_deposit_window_days') %}
with payouts as (
    select
        source,
        account_id,
        settlement_id,
        currency,
        net                                                             as amount,
        cast(deposit_date at time zone 'UTC' as date)                   as sent_on
    from {{ ref('settlements') }}
    where net <> 0 and deposit_date is not null
),

deposits as (
    select * from {{ ref('int_bank_transactions__classified') }}
    where not is_reversal and not pays_invoice and not pays_bill
),

exact as (
    select
        payouts.source, payouts.account_id, payouts.settlement_id,
        'exact'                                                         as match_rule,
        deposits.account_id                                             as company_id,
        deposits.bank_transaction_id,
        deposits.is_reversed
    from payouts
    join deposits
        on deposits.currency = payouts.currency
        and deposits.amount = payouts.amount
        and deposits.dated_on between payouts.sent_on and payouts.sent_on + {{ window }}
),

sequenced as (
    select
        payouts.*,
        lead(settlement_id) over (partition by source, account_id, currency order by sent_on, settlement_id) as next_id,
        lead(amount) over (partition by source, account_id, currency order by sent_on, settlement_id)        as next_amount,
        lead(sent_on) over (partition by source, account_id, currency order by sent_on, settlement_id)       as next_sent_on
    from payouts
    where not exists (
        select 1 from exact
        where exact.source = payouts.source and exact.account_id = payouts.account_id
          and exact.settlement_id = payouts.settlement_id
    )
),

combined_pairs as (
    select
        sequenced.source, sequenced.account_id, sequenced.settlement_id, sequenced.next_id,
        deposits.account_id                                             as company_id,
        deposits.bank_transaction_id,
        deposits.is_reversed
    from sequenced
    join deposits
        on deposits.currency = sequenced.currency
        and deposits.amount = sequenced.amount + sequenced.next_amount
        and deposits.dated_on between sequenced.next_sent_on and sequenced.next_sent_on + {{ window }}
    where sequenced.next_id is not null
      -- the later payout has no exact deposit either
      and exists (
        select 1 from sequenced as later
        where later.source = sequenced.source and later.account_id = sequenced.account_id
          and later.settlement_id = sequenced.next_id
      )
),

combined as (
    select source, account_id, settlement_id, 'combined' as match_rule, company_id, bank_transaction_id, is_reversed
    from combined_pairs
    union all
    select source, account_id, next_id, 'combined', company_id, bank_transaction_id, is_reversed
    from combined_pairs
),

claimed as (
    select company_id, bank_transaction_id from exact
    union
    select company_id, bank_transaction_id from combined
),

near as (
    select
        payouts.source, payouts.account_id, payouts.settlement_id,
        'near'                                                          as match_rule,
        deposits.account_id                                             as company_id,
        deposits.bank_transaction_id,
        deposits.is_reversed
    from payouts
    join deposits
        on deposits.currency = payouts.currency
        and abs(deposits.amount - payouts.amount) <= {{ var('payout_deposit_near_tolerance') }}
        and deposits.amount <> payouts.amount
        and deposits.dated_on between payouts.sent_on and payouts.sent_on + {{ window }}
    where not exists (
        select 1 from exact
        where exact.source = payouts.source and exact.account_id = payouts.account_id
          and exact.settlement_id = payouts.settlement_id
    )
      and not exists (
        select 1 from combined
        where combined.source = payouts.source and combined.account_id = payouts.account_id
          and combined.settlement_id = payouts.settlement_id
    )
      and not exists (
        select 1 from claimed
        where claimed.company_id = deposits.account_id and claimed.bank_transaction_id = deposits.bank_transaction_id
    )
)

select * from exact
union all
select * from combined
union all
select * from near

-- Every Shopify payout and Amazon settlement with the bank deposit(s) it landed as, and every
-- deposit no channel explains. The rules (int_payout_deposits__candidates): exact amount and
-- currency within the date window; else two consecutive payouts combined in one deposit; else a
-- near amount (matched, its difference shown, and the reconciliation test fails). A payout with
-- more than one candidate, or whose one candidate another payout also claims, is ambiguous: it
-- lists every candidate and is never matched by a guess.
{% set window = var('payout_deposit_window_days') %}
with payouts as (
    select
        source,
        account_id,
        settlement_id,
        currency,
        net                                                             as payout_amount,
        cast(deposit_date at time zone 'UTC' as date)                   as sent_on,
        _loaded_at
    from {{ ref('settlements') }}
),

candidates as (
    select * from {{ ref('int_payout_deposits__candidates') }}
),

live as (
    select * from candidates where not is_reversed
),

claims as (
    -- How many payouts claim each deposit under each rule (a combined deposit: its two payouts, one claim).
    select company_id, bank_transaction_id, match_rule,
        count(distinct source || '|' || account_id || '|' || settlement_id)
            / case when match_rule = 'combined' then 2 else 1 end      as claimants
    from live
    group by company_id, bank_transaction_id, match_rule
),

per_payout as (
    select
        live.source, live.account_id, live.settlement_id,
        min(live.match_rule)                                            as match_rule,
        count(distinct live.bank_transaction_id)                        as candidate_count,
        max(claims.claimants)                                           as max_claimants,
        min(live.company_id)                                            as company_id,
        string_agg(distinct live.bank_transaction_id, ',' order by live.bank_transaction_id) as bank_transaction_ids
    from live
    join claims using (company_id, bank_transaction_id, match_rule)
    group by live.source, live.account_id, live.settlement_id
),

reversed as (
    select source, account_id, settlement_id,
        min(company_id)                                                 as company_id,
        string_agg(distinct bank_transaction_id, ',' order by bank_transaction_id) as bank_transaction_ids
    from candidates
    where is_reversed
    group by source, account_id, settlement_id
),

deposit_totals as (
    select
        per_payout.source, per_payout.account_id, per_payout.settlement_id,
        sum(t.amount)                                                   as deposit_amount,
        max(t.dated_on)                                                 as deposited_on,
        max(t._loaded_at)                                               as deposits_loaded_at
    from per_payout
    join {{ ref('stg_freeagent__bank_transactions') }} as t
        on t.account_id = per_payout.company_id
        and t.bank_transaction_id = any(string_to_array(per_payout.bank_transaction_ids, ','))
    group by per_payout.source, per_payout.account_id, per_payout.settlement_id
),

combined_totals as (
    -- What a combined deposit stands for: the sum of the payouts it carries.
    select company_id, bank_transaction_id, sum(payouts.payout_amount) as payouts_total
    from live
    join payouts using (source, account_id, settlement_id)
    where match_rule = 'combined'
    group by company_id, bank_transaction_id
),

feed as (
    select max(dated_on) as feed_through from {{ ref('stg_freeagent__bank_transactions') }}
),

decided as (
    select
        payouts.*,
        payouts.sent_on + {{ window }}                                  as due_by,
        coalesce(per_payout.company_id, reversed.company_id)            as company_id,
        coalesce(per_payout.bank_transaction_ids, reversed.bank_transaction_ids) as bank_transaction_ids,
        coalesce(per_payout.candidate_count, 0)                         as candidate_count,
        case
            when per_payout.settlement_id is not null then per_payout.match_rule
            when reversed.settlement_id is not null then 'reversed'
        end                                                             as match_rule,
        case
            when per_payout.candidate_count = 1 and per_payout.max_claimants = 1 then 'matched'
            when per_payout.settlement_id is not null then 'ambiguous'
            when reversed.settlement_id is not null then 'missing'
            when payouts.payout_amount = 0 then 'nothing_to_deposit'
            when payouts.sent_on + {{ window }} > feed.feed_through or feed.feed_through is null then 'in_transit'
            else 'missing'
        end                                                             as status
    from payouts
    cross join feed
    left join per_payout using (source, account_id, settlement_id)
    left join reversed using (source, account_id, settlement_id)
),

payout_rows as (
    select
        'payout'                                                        as row_type,
        decided.source,
        decided.account_id,
        decided.settlement_id,
        decided.currency,
        decided.payout_amount,
        decided.sent_on,
        decided.due_by,
        decided.company_id,
        decided.bank_transaction_ids,
        decided.candidate_count,
        decided.match_rule,
        decided.status,
        case when decided.status = 'matched' then deposit_totals.deposit_amount end as deposit_amount,
        case when decided.status = 'matched' then deposit_totals.deposited_on end   as deposited_on,
        case
            when decided.status <> 'matched' then null
            when decided.match_rule = 'combined' then deposit_totals.deposit_amount - combined_totals.payouts_total
            else deposit_totals.deposit_amount - decided.payout_amount
        end                                                             as difference,
        greatest(decided._loaded_at, deposit_totals.deposits_loaded_at) as _loaded_at
    from decided
    left join deposit_totals using (source, account_id, settlement_id)
    left join combined_totals
        on decided.match_rule = 'combined'
        and combined_totals.company_id = decided.company_id
        and combined_totals.bank_transaction_id = decided.bank_transaction_ids
),

unexplained as (
    -- Money in that no payout claims, that is no reversed pair, and that pays no invoice.
    select
        'deposit'                                                       as row_type,
        'freeagent'                                                     as source,
        t.account_id,
        cast(null as text)                                              as settlement_id,
        t.currency,
        cast(null as numeric)                                           as payout_amount,
        cast(null as date)                                              as sent_on,
        cast(null as date)                                              as due_by,
        t.account_id                                                    as company_id,
        t.bank_transaction_id                                           as bank_transaction_ids,
        0                                                               as candidate_count,
        cast(null as text)                                              as match_rule,
        'unexplained'                                                   as status,
        t.amount                                                        as deposit_amount,
        t.dated_on                                                      as deposited_on,
        cast(null as numeric)                                           as difference,
        t._loaded_at
    from {{ ref('int_bank_transactions__classified') }} as t
    where t.amount > 0
      and not t.is_reversed and not t.is_reversal and not t.pays_invoice
      and not exists (
        select 1 from candidates as c
        where c.company_id = t.account_id and c.bank_transaction_id = t.bank_transaction_id
    )
)

select
    {{ surrogate_key(['row_type', 'source', 'account_id', "coalesce(settlement_id, bank_transaction_ids)"]) }} as payout_deposit_key,
    *
from payout_rows
union all
select
    {{ surrogate_key(['row_type', 'source', 'account_id', "coalesce(settlement_id, bank_transaction_ids)"]) }},
    *
from unexplained

-- Each bank transaction with what the books say of it: a credit reversed by the bank (an equal
-- and opposite debit in the same account within five days), the reversal itself, and whether an
-- explanation ties it to an invoice or bill.
with transactions as (
    select * from {{ ref('stg_freeagent__bank_transactions') }}
),

reversals as (
    select
        original.account_id,
        original.bank_transaction_id                                  as reversed_id,
        min(reversal.bank_transaction_id)                             as reversal_id
    from transactions as original
    join transactions as reversal
        on reversal.account_id = original.account_id
        and reversal.bank_account_id = original.bank_account_id
        and reversal.amount = -original.amount
        and reversal.dated_on between original.dated_on and original.dated_on + 5
        and reversal.bank_transaction_id <> original.bank_transaction_id
    where original.amount > 0
    group by original.account_id, original.bank_transaction_id
),

explained as (
    select
        account_id,
        bank_transaction_id,
        bool_or(invoice_id is not null)                               as pays_invoice,
        bool_or(bill_id is not null)                                  as pays_bill,
        min(nominal_code)                                             as nominal_code
    from {{ ref('stg_freeagent__bank_transaction_explanations') }}
    group by account_id, bank_transaction_id
)

select
    transactions.*,
    reversals.reversal_id is not null                                 as is_reversed,
    reversals.reversal_id                                             as reversed_by_id,
    exists (
        select 1 from reversals as r
        where r.account_id = transactions.account_id and r.reversal_id = transactions.bank_transaction_id
    )                                                                 as is_reversal,
    coalesce(explained.pays_invoice, false)                           as pays_invoice,
    coalesce(explained.pays_bill, false)                              as pays_bill,
    explained.nominal_code
from transactions
left join reversals
    on reversals.account_id = transactions.account_id and reversals.reversed_id = transactions.bank_transaction_id
left join explained
    on explained.account_id = transactions.account_id and explained.bank_transaction_id = transactions.bank_transaction_id

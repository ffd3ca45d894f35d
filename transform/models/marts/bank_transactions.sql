-- FreeAgent bank transactions of every account, with their account, how the books explain them
-- (category, invoice or bill) and whether the bank reversed them.
with explanations as (
    select
        account_id,
        bank_transaction_id,
        count(*)                                                        as explanation_count,
        string_agg(distinct explanation_type, ', ')                     as explanation_types,
        min(invoice_id)                                                 as invoice_id,
        min(bill_id)                                                    as bill_id
    from {{ ref('stg_freeagent__bank_transaction_explanations') }}
    group by account_id, bank_transaction_id
)

select
    {{ surrogate_key(["'freeagent'", 't.account_id', 't.bank_transaction_id']) }} as bank_transaction_key,
    'freeagent'                                                         as source,
    t.account_id,
    t.bank_transaction_id,
    t.bank_account_id,
    accounts.bank_account_name,
    t.dated_on,
    t.amount,
    t.unexplained_amount,
    t.currency,
    t.description,
    t.bank_reference,
    coalesce(explanations.explanation_count, 0)                         as explanation_count,
    explanations.explanation_types,
    t.nominal_code,
    categories.category_name,
    explanations.invoice_id,
    explanations.bill_id,
    t.is_reversed,
    t.is_reversal,
    t.updated_at,
    t._loaded_at
from {{ ref('int_bank_transactions__classified') }} as t
left join {{ ref('stg_freeagent__bank_accounts') }} as accounts
    on accounts.account_id = t.account_id and accounts.bank_account_id = t.bank_account_id
left join explanations
    on explanations.account_id = t.account_id and explanations.bank_transaction_id = t.bank_transaction_id
left join {{ ref('stg_freeagent__categories') }} as categories
    on categories.account_id = t.account_id and categories.nominal_code = t.nominal_code

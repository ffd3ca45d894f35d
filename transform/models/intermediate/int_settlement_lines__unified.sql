-- Settlement lines of both channels, each in one category, as an accountant reads a deposit:
--   sale      what buyers paid for orders (price, shipping, tax, and the promotions and tax
--             withheld that come off it);
--   refund    what was given back to buyers (refunds, chargebacks, guarantee claims);
--   fee       what the channel charged the seller (commissions, fulfilment, storage,
--             subscription, advertising, processing, shipping labels), and fees it gave back;
--   reserve   money held back from this deposit or released from an earlier one: never a fee;
--   transfer  money moved between the seller's own accounts and the channel (a card charged to
--             cover a negative balance, a payout sent back);
--   other     anything else (reimbursements, adjustments, types not known yet).
-- Identity (tested for every settlement and payout, to the cent):
--   gross + refunds + fees + reserves + transfers + other = net.
-- The first matching rule wins; the mapping is written out in the docs (settlement_lines.category).
-- A Shopify payout's lines are its balance transactions, each split into its amount and its
-- processing fee (a fee line).
with amazon as (
    select
        'amazon'                                                  as source,
        account_id,
        settlement_id,
        settlement_id || ':' || line_number                       as line_id,
        order_id,
        transaction_type                                          as type,
        case
            -- The older layout puts the reserve's name in transaction-type, V2 in amount-description.
            when amount_description in ('Current Reserve Amount', 'Previous Reserve Amount Balance')
                or transaction_type in ('Current Reserve Amount', 'Previous Reserve Amount Balance') then 'reserve'
            when transaction_type = 'Transfer' or amount_description = 'Successful charge' then 'transfer'
            when amount_type = 'ItemFees' then 'fee'
            when transaction_type in ('Refund', 'Chargeback Refund', 'A-to-z Guarantee Claim') then 'refund'
            when transaction_type = 'Order' then 'sale'
            when amount_description ilike '%reimbursement%' then 'other'
            when transaction_type = 'ServiceFee' or amount_type in ('other-transaction', 'Cost of Advertising') then 'fee'
            else 'other'
        end                                                       as category,
        case when amount_type = 'ItemFees' or transaction_type = 'ServiceFee' then amount_description end as fee_type,
        amount_type || ': ' || amount_description                 as description,
        sku,
        amount,
        currency,
        posted_at                                                 as posted_date,
        _loaded_at
    from {{ ref('stg_amazon__settlement_lines') }}
),

-- Not materialized: a filter on the lines (an incremental window) reaches both of its reads.
shopify_transactions as not materialized (
    select *
    from {{ ref('stg_shopify__balance_transactions') }}
    where payout_id is not null and payout_id <> ''
),

shopify as (
    select
        'shopify'                                                 as source,
        account_id,
        payout_id                                                 as settlement_id,
        balance_transaction_id                                    as line_id,
        nullif(order_id, '')                                      as order_id,
        transaction_type                                          as type,
        case
            when transaction_type in ('CHARGE', 'CHARGE_ADJUSTMENT') then 'sale'
            when transaction_type in ('REFUND', 'REFUND_ADJUSTMENT', 'REFUND_FAILURE', 'DISPUTE_WITHDRAWAL', 'DISPUTE_REVERSAL') then 'refund'
            when transaction_type in (
                'RESERVED_FUNDS', 'RESERVED_FUNDS_WITHDRAWAL', 'RESERVED_FUNDS_REVERSAL',
                'CHARGEBACK_HOLD', 'CHARGEBACK_HOLD_RELEASE', 'RISK_WITHDRAWAL', 'RISK_REVERSAL'
            ) then 'reserve'
            when transaction_type in (
                'TRANSFER', 'TRANSFER_FAILURE', 'TRANSFER_CANCEL', 'TRANSFER_REFUND',
                'BALANCE_TRANSFER_INBOUND', 'BALANCE_TRANSFER_OUTBOUND'
            ) then 'transfer'
            when transaction_type like '%FEE%' or transaction_type like 'SHIPPING_LABEL%'
                or transaction_type in ('BILLING_DEBIT', 'BILLING_DEBIT_REVERSAL') then 'fee'
            else 'other'
        end                                                       as category,
        cast(null as text)                                        as fee_type,
        coalesce(adjustment_reason, source_type)                  as description,
        cast(null as text)                                        as sku,
        amount,
        currency,
        transaction_date                                          as posted_date,
        _loaded_at
    from shopify_transactions

    union all

    select
        'shopify',
        account_id,
        payout_id,
        balance_transaction_id || ':fee',
        nullif(order_id, ''),
        transaction_type,
        'fee',
        'processing_fee',
        'Shopify Payments fee',
        cast(null as text),
        -fee,
        currency,
        transaction_date,
        _loaded_at
    from shopify_transactions
    where fee <> 0
)

select * from amazon
union all
select * from shopify

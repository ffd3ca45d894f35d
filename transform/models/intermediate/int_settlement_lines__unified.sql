-- Settlement lines of both channels, each in one category (sale, fee, refund, other) so a
-- settlement's gross, fees, refunds and other sum to its net. A Shopify payout's lines are
-- its balance transactions, each split into its amount and its processing fee.
with amazon as (
    select
        'amazon'                                                  as source,
        account_id,
        settlement_id,
        settlement_id || ':' || line_number                       as line_id,
        order_id,
        transaction_type                                          as type,
        case
            when transaction_type = 'Refund' then 'refund'
            when amount_type in ('ItemFees', 'other-transaction') or transaction_type = 'ServiceFee' then 'fee'
            when transaction_type = 'Order' then 'sale'
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
        case transaction_type when 'CHARGE' then 'sale' when 'REFUND' then 'refund' else 'other' end as category,
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

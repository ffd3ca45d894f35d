{#- An incremental run recomputes the settlements whose header or a line was loaded within the
    lookback window (collected by the pre-hook, macros/changed_keys.sql), each summed whole from
    all its lines; the post-hook removes their rows the model no longer gives, as a full build
    would (macros/recomputed_keys.sql). -#}
{{
    config(
        materialized='incremental',
        unique_key='settlement_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        pre_hook="{{ collect_recomputed('changed_settlements', 'text') }}",
        post_hook=[
            "{{ index_incremental_mart('settlement_key') }}",
            "{{ remove_recomputed_not_merged('settlement_id') }}",
        ],
    )
}}
-- Amazon settlements and Shopify payouts: the deposit, and its split by line category
-- (int_settlement_lines__unified): gross + refunds + fees + reserves + transfers + other = net.
with totals as (
    select
        source,
        account_id,
        settlement_id,
        sum(amount) filter (where category = 'sale')              as gross,
        sum(amount) filter (where category = 'fee')               as fees,
        sum(amount) filter (where category = 'refund')            as refunds,
        sum(amount) filter (where category = 'reserve')           as reserves,
        sum(amount) filter (where category = 'transfer')          as transfers,
        sum(amount) filter (where category = 'other')             as other,
        sum(amount)                                               as lines_total,
        count(*)                                                  as line_count,
        min(posted_date)                                          as first_posted,
        max(posted_date)                                          as last_posted
    from {{ ref('int_settlement_lines__unified') }}
    {%- if is_incremental() %}
    where {{ is_recomputed('settlement_id') }}
    {%- endif %}
    group by source, account_id, settlement_id
),

headers as (
    select
        'amazon'                                                  as source,
        account_id,
        settlement_id,
        period_start,
        period_end,
        deposit_date,
        total_amount                                              as net,
        currency,
        _loaded_at
    from {{ ref('stg_amazon__settlements') }}
    {%- if is_incremental() %}
    where {{ is_recomputed('settlement_id') }}
    {%- endif %}

    union all

    select
        'shopify',
        payouts.account_id,
        payouts.payout_id,
        totals.first_posted,
        payouts.issued_at,
        payouts.issued_at,
        payouts.net,
        payouts.currency,
        payouts._loaded_at
    from {{ ref('stg_shopify__payouts') }} as payouts
    left join totals
        on totals.source = 'shopify' and totals.account_id = payouts.account_id and totals.settlement_id = payouts.payout_id
    {%- if is_incremental() %}
    where {{ is_recomputed('payouts.payout_id') }}
    {%- endif %}
)

select
    {{ surrogate_key(['headers.source', 'headers.account_id', 'headers.settlement_id']) }} as settlement_key,
    headers.source,
    headers.account_id,
    headers.settlement_id,
    headers.period_start,
    headers.period_end,
    headers.deposit_date,
    coalesce(totals.gross, 0)                                     as gross,
    coalesce(totals.fees, 0)                                      as fees,
    coalesce(totals.refunds, 0)                                   as refunds,
    coalesce(totals.reserves, 0)                                  as reserves,
    coalesce(totals.transfers, 0)                                 as transfers,
    coalesce(totals.other, 0)                                     as other,
    headers.net,
    headers.currency,
    coalesce(totals.lines_total, 0)                               as lines_total,
    coalesce(totals.line_count, 0)                                as line_count,
    headers._loaded_at
from headers
left join totals
    on totals.source = headers.source and totals.account_id = headers.account_id
    and totals.settlement_id = headers.settlement_id

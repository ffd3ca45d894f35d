{#- The orders an incremental run of the order marts recomputes, as (source, account_id,
    order_id): those with a row of any input (the order, its lines, refunds, financial events)
    loaded within the lookback window of that source's newest row in the mart. Each input is
    filtered on its own load time, which the staging views pass down to the raw tables (see
    latest_rows). A mart row's `_loaded_at` is the newest load of its inputs, so these orders
    hold every row whose `_loaded_at` falls in the window (and some unchanged lines of them,
    which the merge rewrites as they were). -#}
{% macro changed_orders() -%}
    {%- set shopify, amazon = lookback_start('shopify'), lookback_start('amazon') -%}
    select 'shopify' as source, account_id, order_id from {{ ref('stg_shopify__orders') }} where _loaded_at > {{ shopify }}
    union
    select 'shopify', account_id, order_id from {{ ref('stg_shopify__order_line_items') }} where _loaded_at > {{ shopify }}
    union
    select 'shopify', account_id, order_id from {{ ref('stg_shopify__refunds') }} where _loaded_at > {{ shopify }}
    union
    select 'amazon', account_id, order_id from {{ ref('stg_amazon__orders') }} where _loaded_at > {{ amazon }}
    union
    select 'amazon', account_id, order_id from {{ ref('stg_amazon__order_items') }} where _loaded_at > {{ amazon }}
    union
    select 'amazon', account_id, order_id from {{ ref('stg_amazon__financial_events') }} where _loaded_at > {{ amazon }}
{%- endmacro %}

{#- The orders whose fulfilment cost changed: those with a ShipBob fee line (fulfillment_costs,
    one row per line, its `_loaded_at` the newest load of the line and its links to the order)
    loaded within the lookback window of the order's source in the mart. -#}
{% macro changed_fulfilled_orders() -%}
    {%- for source_name in ['shopify', 'amazon'] %}
    {{ 'union' if not loop.first }}
    select order_source, order_account_id, order_id from {{ ref('fulfillment_costs') }}
    where order_source = '{{ source_name }}' and _loaded_at > {{ lookback_start(source_name) }}
    {%- endfor %}
{%- endmacro %}

{#- A filter to the orders listed in `orders` (source, account_id, order_id) for one source,
    or nothing when `orders` is none (every order). The order ids come first as an array, read
    once: a plain condition on one column, which the planner pushes into the views below (through
    a window partitioned by order, to the raw tables' rows), where a join to the list would be
    applied only after each view had been computed whole, and again for each row joined to it. -#}
{% macro of_orders(orders, source_name, account_id='account_id', order_id='order_id', where=false) -%}
    {%- if orders is not none -%}
    {{ 'where' if where else 'and' }} {{ order_id }} = any(array(
        select order_id from {{ orders }} where source = '{{ source_name }}'
    ))
    and ({{ account_id }}, {{ order_id }}) in (
        select account_id, order_id from {{ orders }} where source = '{{ source_name }}'
    )
    {%- endif -%}
{%- endmacro %}

{#- The order lines of `orders`: the intermediate view for every order, else its body for those. -#}
{% macro order_items_of(orders) -%}
    {%- if orders is none -%}
    {{ ref('int_order_items__refunded') }}
    {%- else -%}
    ({{ order_items_refunded(orders) }}) as lines_of_orders
    {%- endif -%}
{%- endmacro %}

{#- Whether an incremental run of an order mart recomputes the changed orders alone: yes unless
    more than `changed_orders_limit` changed, as in the runs after a backfill, whose rows are all
    in the window. The changed ids filter each input as an array (see of_orders), which Postgres
    searches row by row: with 110,000 ids the orders model ran for over 13 minutes, where
    recomputing every order took 10 s. Above the limit every order is recomputed, as a full build
    does, and merged. -#}
{% macro recompute_changed_orders_only(with_fulfilled=false) -%}
    {%- if not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from (
            {{ changed_orders() }}
            {%- if with_fulfilled %}
            union
            {{ changed_fulfilled_orders() }}
            {%- endif %}
        ) as changed
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] <= var('changed_orders_limit')) }}
{%- endmacro %}

{#- The shipments an incremental run of the shipments mart recomputes (macros/recomputed_keys.sql),
    by shipment id (a Shopify fulfillment's, an Amazon or ShipBob shipment's; the same id in two
    channels only recomputes both): those with a row of any input loaded within the lookback
    window (a ShipBob shipment's items, itself, its order), and the Shopify fulfillments of
    orders whose deletion was, which the mart drops. -#}
{% macro changed_shipments() -%}
    {%- set loaded_after = lookback_start() -%}
    select fulfillment_id as key from {{ ref('stg_shopify__fulfillments') }} where _loaded_at > {{ loaded_after }}
    union
    select shipment_id from {{ this }}
    where source = 'shopify' and (account_id, order_id) in (
        select account_id, order_id from {{ ref('stg_shopify__order_deletions') }} where _loaded_at > {{ loaded_after }}
    )
    union
    select shipment_id from {{ ref('stg_amazon__fba_shipments') }} where _loaded_at > {{ loaded_after }}
    union
    select cast(shipment_id as text) from ({{ shipbob_shipments_changed(loaded_after) }}) as shipbob
{%- endmacro %}

{#- The ShipBob shipments (account_id, shipment_id) with a row loaded after `loaded_after`: the
    shipment, its items or its order. Ids are matched as arrays first, which the raw tables'
    indexes answer id by id (see of_orders), then as (account, id) pairs, for exactness. -#}
{% macro shipbob_shipments_changed(loaded_after) -%}
    select account_id, shipment_id from {{ ref('stg_shipbob__shipments') }} where _loaded_at > {{ loaded_after }}
    union
    select account_id, shipment_id from {{ ref('stg_shipbob__shipment_products') }} where _loaded_at > {{ loaded_after }}
    union
    select account_id, shipment_id from {{ ref('stg_shipbob__shipments') }}
    where order_id = any(array(
        select order_id from {{ ref('stg_shipbob__orders') }} where _loaded_at > {{ loaded_after }}
    ))
    and (account_id, order_id) in (
        select account_id, order_id from {{ ref('stg_shipbob__orders') }} where _loaded_at > {{ loaded_after }}
    )
{%- endmacro %}

{#- The settlements an incremental run of the settlements mart recomputes (macros/recomputed_keys.sql),
    by settlement id (an Amazon settlement's, a Shopify payout's): those whose header or a line was
    loaded within the lookback window. A settlement is summed whole from all its lines. -#}
{% macro changed_settlements() -%}
    {%- set loaded_after = lookback_start() -%}
    select settlement_id as key from {{ ref('stg_amazon__settlements') }} where _loaded_at > {{ loaded_after }}
    union
    select settlement_id from {{ ref('stg_amazon__settlement_lines') }} where _loaded_at > {{ loaded_after }}
    union
    select payout_id from {{ ref('stg_shopify__payouts') }} where _loaded_at > {{ loaded_after }}
    union
    select payout_id from {{ ref('stg_shopify__balance_transactions') }}
    where _loaded_at > {{ loaded_after }} and payout_id <> ''
{%- endmacro %}

{#- The fee lines an incremental run of the fulfillment_costs mart recomputes (macros/recomputed_keys.sql),
    by transaction id: those loaded within the lookback window, and those whose links to an
    order or to a single SKU were: the shipment (a return's line: the return, and the shipment
    returned), the shipment's order, the shipment's or return's items. -#}
{% macro changed_fee_lines() -%}
    {%- set loaded_after = lookback_start() -%}
    with shipments_changed as (
        {{ shipbob_shipments_changed(loaded_after) }}
    ),

    references_changed as (
        select account_id, 'Shipment' as reference_type, cast(shipment_id as text) as reference_id from shipments_changed
        union
        select account_id, 'Return', cast(return_id as text) from {{ ref('stg_shipbob__returns') }}
        where _loaded_at > {{ loaded_after }}
        union
        select account_id, 'Return', cast(return_id as text) from {{ ref('stg_shipbob__returns') }}
        where original_shipment_id = any(array(select shipment_id from shipments_changed))
          and (account_id, original_shipment_id) in (select account_id, shipment_id from shipments_changed)
        union
        select account_id, 'Return', cast(return_id as text) from {{ ref('stg_shipbob__return_items') }}
        where _loaded_at > {{ loaded_after }}
    )

    select transaction_id as key from {{ ref('stg_shipbob__invoice_transactions') }}
    where _loaded_at > {{ loaded_after }}
    union
    select transaction_id from {{ ref('stg_shipbob__invoice_transactions') }}
    where reference_id = any(array(select reference_id from references_changed))
      and (account_id, reference_type, reference_id) in (select account_id, reference_type, reference_id from references_changed)
{%- endmacro %}

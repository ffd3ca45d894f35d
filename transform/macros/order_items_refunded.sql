{#- The body of int_order_items__refunded; given `orders` (a relation of source, account_id,
    order_id), only the lines of those orders, each input read for them alone. -#}
{% macro order_items_refunded(orders=none) -%}
with shopify_refunds as materialized (
    select account_id, line_id, sum(quantity) as refunded_qty, sum(subtotal + tax) as refunded_amount, max(_loaded_at) as _loaded_at
    from {{ ref('int_shopify_refund_items__unnested') }}
    {{ of_orders(orders, 'shopify', where=true) }}
    group by account_id, line_id
),

-- Each input below is read once (materialized): a view joined to the lines can otherwise be
-- computed again for every line, when the planner expects few lines.
shopify_orders as materialized (
    select account_id, order_id, is_test
    from {{ ref('stg_shopify__orders') }}
    {{ of_orders(orders, 'shopify', where=true) }}
),

shopify_items as (
    select
        'shopify'                                           as source,
        items.account_id,
        items.order_id,
        items.line_id,
        items.sku,
        cast(null as text)                                  as asin,
        items.line_name                                     as title,
        items.quantity                                      as qty,
        items.currency,
        items.unit_price                                    as price,
        cast(null as text)                                  as price_designation,
        items.gross,
        items.discount,
        cast(0 as numeric)                                  as shipping,
        items.tax,
        items.gross - items.discount + items.tax            as total,
        cast(null as numeric)                               as fee_estimate,
        coalesce(refunds.refunded_qty, 0)                   as refunded_qty,
        coalesce(refunds.refunded_amount, 0)                as refunded_amount,
        false                                               as total_derived,
        coalesce(orders.is_test, false)                     as is_test,
        greatest(items._loaded_at, refunds._loaded_at)      as _loaded_at
    from {{ ref('stg_shopify__order_line_items') }} as items
    left join shopify_refunds as refunds
        on refunds.account_id = items.account_id and refunds.line_id = items.line_id
    left join shopify_orders as orders
        on orders.account_id = items.account_id and orders.order_id = items.order_id
    {{ of_orders(orders, 'shopify', 'items.account_id', 'items.order_id', where=true) }}
),

-- Refunded: the charges given back less the promotions clawed back, as a positive amount.
-- Fees: what Amazon charged for the shipped item, as a positive amount.
amazon_events as materialized (
    select
        account_id,
        order_id,
        sku,
        sku_occurrence,
        sum(quantity) filter (where event_type = 'RefundEvent')                 as refunded_qty,
        -sum(charges + promotions) filter (where event_type = 'RefundEvent')    as refunded_amount,
        -sum(fees) filter (where event_type = 'ShipmentEvent')                  as fees,
        max(_loaded_at)                                                         as _loaded_at
    from {{ ref('int_amazon_event_items__unnested') }}
    {{ of_orders(orders, 'amazon', where=true) }}
    group by account_id, order_id, sku, sku_occurrence
),

-- The orders report details each charge; searchOrders gives Amazon's proceeds, whose
-- item subtotal is net of promotions: the discount is what the proceeds leave out. Proceeds
-- are optional in searchOrders: an item without them is priced at unit price x quantity, with
-- no discount, shipping or tax invented, and says so (total_derived).
amazon_priced as materialized (
    select
        *,
        extracted_by = 'api' and proceeds_total is null     as total_derived,
        case when extracted_by = 'api'
            then coalesce(proceeds_shipping, 0) + coalesce(proceeds_gift_wrap, 0)
            else coalesce(shipping_price, 0) + coalesce(gift_wrap_price, 0)
        end                                                 as line_shipping,
        case when extracted_by = 'api'
            then coalesce(proceeds_tax, 0)
            else coalesce(item_tax, 0) + coalesce(shipping_tax, 0) + coalesce(gift_wrap_tax, 0)
        end                                                 as line_tax
    from {{ ref('stg_amazon__order_items') }}
    {{ of_orders(orders, 'amazon', where=true) }}
),

amazon_orders as materialized (
    select account_id, order_id, currency, _loaded_at
    from {{ ref('stg_amazon__orders') }}
    {{ of_orders(orders, 'amazon', where=true) }}
),

amazon_items as (
    select
        'amazon'                                            as source,
        items.account_id,
        items.order_id,
        items.line_id,
        items.sku,
        items.asin,
        items.product_name                                  as title,
        items.quantity                                      as qty,
        -- A report line of an order not priced yet (pending, cancelled) carries no currency:
        -- its order's, else its marketplace's, else XXX (the rule of the orders mart).
        coalesce(items.currency, orders.currency, markets.currency, 'XXX') as currency,
        coalesce(items.unit_price, items.item_price / nullif(items.quantity, 0)) as price,
        items.price_designation,
        coalesce(items.item_price, 0)                       as gross,
        case when items.total_derived then 0
            when items.extracted_by = 'api'
            then coalesce(items.item_price, 0) + items.line_shipping + items.line_tax - items.proceeds_total
            else -(coalesce(items.item_promotion_discount, 0) + coalesce(items.ship_promotion_discount, 0))
        end                                                 as discount,
        items.line_shipping                                 as shipping,
        items.line_tax                                      as tax,
        cast(null as numeric)                               as total,
        refunds.fees                                        as fee_estimate,
        coalesce(refunds.refunded_qty, 0)                   as refunded_qty,
        coalesce(refunds.refunded_amount, 0)                as refunded_amount,
        items.total_derived,
        false                                               as is_test,
        greatest(items._loaded_at, orders._loaded_at, refunds._loaded_at) as _loaded_at
    from amazon_priced as items
    left join amazon_orders as orders
        on orders.account_id = items.account_id and orders.order_id = items.order_id
    left join {{ ref('stg_amazon__marketplace_participations') }} as markets
        on markets.account_id = items.account_id
    left join amazon_events as refunds
        on refunds.account_id = items.account_id and refunds.order_id = items.order_id
        and refunds.sku = items.sku and refunds.sku_occurrence = items.sku_occurrence
)

select * from shopify_items
union all
select
    source, account_id, order_id, line_id, sku, asin, title, qty, currency, price, price_designation, gross, discount,
    shipping, tax, gross - discount + shipping + tax as total, fee_estimate, refunded_qty, refunded_amount,
    total_derived, is_test, _loaded_at
from amazon_items
{%- endmacro %}

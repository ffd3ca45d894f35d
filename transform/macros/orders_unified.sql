{#- The body of int_orders__unified; given `orders` (a relation of source, account_id, order_id),
    only those orders, each input read for them alone. -#}
{% macro orders_unified(orders=none) -%}
with shopify_orders as (
    select
        'shopify'                                                   as source,
        orders.account_id,
        orders.order_id,
        orders.order_name,
        cast(null as text)                                          as marketplace_id,
        orders.created_at                                           as purchase_date,
        orders.updated_at,
        case
            when orders.cancelled_at is not null then 'cancelled'
            when orders.financial_status in ('PENDING', 'AUTHORIZED', 'PARTIALLY_PAID') then 'pending'
            when orders.fulfillment_status = 'FULFILLED' then 'shipped'
            when orders.fulfillment_status = 'PARTIALLY_FULFILLED' then 'partially_shipped'
            else 'unshipped'
        end                                                         as status,
        'shopify'                                                   as fulfillment_channel,
        orders.customer_id,
        orders.currency,
        orders.subtotal + orders.discounts                          as subtotal,
        orders.discounts,
        orders.shipping,
        orders.tax,
        orders.total,
        orders.refunded,
        orders.cancelled_at is not null                             as is_cancelled,
        orders.is_test,
        false                                                       as is_replacement,
        cast(null as text)                                          as replaced_order_id,
        false                                                       as is_business,
        false                                                       as total_derived,
        greatest(orders._loaded_at, items._loaded_at)               as _loaded_at
    from {{ ref('stg_shopify__orders') }} as orders
    left join (
        select account_id, order_id, max(_loaded_at) as _loaded_at
        from {{ order_items_of(orders) }}
        where source = 'shopify'
        group by account_id, order_id
    ) as items
        on items.account_id = orders.account_id and items.order_id = orders.order_id
    {{ of_orders(orders, 'shopify', 'orders.account_id', 'orders.order_id', where=true) }}
),

amazon_items as (
    select
        account_id,
        order_id,
        max(currency)                                               as currency,
        sum(gross)                                                  as subtotal,
        sum(discount)                                               as discounts,
        sum(shipping)                                               as shipping,
        sum(tax)                                                    as tax,
        sum(total)                                                  as total,
        sum(refunded_amount)                                        as refunded,
        bool_or(total_derived)                                      as total_derived,
        max(_loaded_at)                                             as _loaded_at
    from {{ order_items_of(orders) }}
    where source = 'amazon'
    group by account_id, order_id
),

amazon_orders as (
    select
        'amazon'                                                    as source,
        orders.account_id,
        orders.order_id,
        orders.merchant_order_id                                    as order_name,
        orders.marketplace_id,
        orders.purchase_date,
        orders.updated_at,
        case orders.order_status
            when 'PENDING' then 'pending'
            when 'PENDING_AVAILABILITY' then 'pending'
            when 'UNSHIPPED' then 'unshipped'
            when 'PARTIALLY_SHIPPED' then 'partially_shipped'
            when 'SHIPPED' then 'shipped'
            when 'DELIVERED' then 'shipped'
            when 'CANCELLED' then 'cancelled'
            when 'UNFULFILLABLE' then 'cancelled'
            else 'pending'
        end                                                         as status,
        case orders.fulfillment_channel when 'AMAZON' then 'FBA' else 'FBM' end as fulfillment_channel,
        cast(null as text)                                          as customer_id,
        -- A cancelled order's report rows carry no currency: its marketplace's; with neither
        -- (an unpriced order of no marketplace) XXX, ISO 4217's code for no currency.
        coalesce(orders.currency, items.currency, markets.currency, 'XXX') as currency,
        coalesce(items.subtotal, 0)                                 as subtotal,
        coalesce(items.discounts, 0)                                as discounts,
        coalesce(items.shipping, 0)                                 as shipping,
        coalesce(items.tax, 0)                                      as tax,
        coalesce(orders.order_total, items.total, 0)                as total,
        coalesce(items.refunded, 0)                                 as refunded,
        orders.order_status = 'CANCELLED'                           as is_cancelled,
        false                                                       as is_test,
        orders.is_replacement_order                                 as is_replacement,
        orders.replaced_order_id,
        orders.is_business_order                                    as is_business,
        coalesce(items.total_derived, false) and orders.order_total is null as total_derived,
        greatest(orders._loaded_at, items._loaded_at)               as _loaded_at
    from {{ ref('stg_amazon__orders') }} as orders
    left join amazon_items as items
        on items.account_id = orders.account_id and items.order_id = orders.order_id
    left join {{ ref('stg_amazon__marketplace_participations') }} as markets
        on markets.account_id = orders.account_id
    {{ of_orders(orders, 'amazon', 'orders.account_id', 'orders.order_id', where=true) }}
)

select * from shopify_orders
union all
select * from amazon_orders
{%- endmacro %}

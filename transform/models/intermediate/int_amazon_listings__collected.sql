-- Every seller SKU the Amazon account has stock or sales of, with its ASIN, FNSKU and title:
-- the inventory summary first, order items where the SKU has no stock record.
with from_inventory as (
    select account_id, marketplace_id, sku, asin, fnsku, product_name, 1 as preference
    from {{ ref('stg_amazon__fba_inventory') }}
),

from_orders as (
    select distinct on (account_id, sku)
        account_id, marketplace_id, sku, asin, cast(null as text) as fnsku, product_name, 2 as preference
    from {{ ref('stg_amazon__order_items') }}
    where sku is not null
    order by account_id, sku, purchase_date desc
)

select distinct on (account_id, sku)
    account_id, marketplace_id, sku, asin, fnsku, product_name
from (
    select * from from_inventory
    union all
    select * from from_orders
) as listings
order by account_id, sku, preference

-- Each ShipBob fee line of a shipment or a return spread over the SKUs it charges for, by
-- quantity: a SKU's share is the line's amount × its units ÷ the shipment's (return's) units,
-- truncated to the cent (toward zero, so a credit behaves as a charge), and the cents left over
-- go to one line, the SKU with the most units (ties: the first SKU in order). The shares of a
-- fee line therefore add up to its amount exactly. Storage and receiving fees, and lines whose
-- shipment or return has no items loaded, name no SKU and are not spread.
-- The lines are read from staging (as fulfillment_costs reads them, one row per line), not from
-- that table: a view on a table is dropped with it when a build replaces the table alone.
with lines as (
    select
        {{ surrogate_key(['account_id', 'invoice_id', 'transaction_id']) }} as fulfillment_cost_key,
        account_id,
        reference_type,
        reference_id,
        cast(charge_date as date)                   as charge_date,
        amount,
        coalesce(currency_code, 'XXX')              as currency,
        _loaded_at
    from {{ ref('stg_shipbob__invoice_transactions') }}
    where reference_type in ('Shipment', 'Return')
),

items as (
    select
        account_id,
        'Shipment'                                  as reference_type,
        cast(shipment_id as text)                   as reference_id,
        sku,
        sum(quantity)                               as qty,
        max(_loaded_at)                             as _loaded_at
    from {{ ref('stg_shipbob__shipment_products') }}
    group by account_id, shipment_id, sku
    union all
    select account_id, 'Return', cast(return_id as text), sku, sum(quantity), max(_loaded_at)
    from {{ ref('stg_shipbob__return_items') }}
    group by account_id, return_id, sku
),

shares as (
    select
        lines.*,
        items.sku,
        items.qty,
        items._loaded_at                            as items_loaded_at,
        trunc(lines.amount * items.qty / sum(items.qty) over line, 2) as share,
        row_number() over (partition by lines.fulfillment_cost_key, lines.charge_date order by items.qty desc, items.sku) as rank
    from lines
    inner join items
        on items.account_id = lines.account_id
       and items.reference_type = lines.reference_type
       and items.reference_id = lines.reference_id
    where items.qty > 0
    -- A fee line has one charge date: naming it in every partition changes no window, and lets a
    -- filter on the day (sku_daily's incremental run) reach the lines before they are spread.
    window line as (partition by lines.fulfillment_cost_key, lines.charge_date)
)

select
    {{ surrogate_key(['fulfillment_cost_key', 'sku']) }} as allocation_key,
    fulfillment_cost_key,
    account_id,
    reference_type,
    reference_id,
    charge_date,
    sku,
    qty,
    share + case when rank = 1 then amount - sum(share) over line else 0 end as amount,
    currency,
    greatest(_loaded_at, max(items_loaded_at) over line) as _loaded_at
from shares
window line as (partition by fulfillment_cost_key, charge_date)

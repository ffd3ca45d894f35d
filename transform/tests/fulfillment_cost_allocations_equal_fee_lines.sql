-- Reconciliation, to the cent: the SKU shares of every ShipBob fee line spread over its SKUs
-- (int_fulfillment_costs__allocated) add up to the line's amount, so each shipment's and
-- return's cost is whole in sku_daily; and sku_daily's fulfillment cost per day, SKU and
-- currency is the sum of those shares.
-- Hourly run: the days touched within the lookback window (charged by a fee line loaded in it,
-- or a day of sku_daily it wrote), each day whole: every fee line charged on it with all its
-- shares (a line's shares are all dated on its charge date), and all its sku_daily rows; the
-- daily build checks every line and day.
{%- set days_touched = [(ref('fulfillment_costs'), 'cast(charge_date as date)'), (ref('sku_daily'), 'sales_date')] %}
-- The view of shares computes every line's shares (window functions over all lines): read once.
with shares as materialized (
    select *
    from {{ ref('int_fulfillment_costs__allocated') }}
    where {{ hourly_touched('charge_date', days_touched) }}
),

lines as (
    select costs.fulfillment_cost_key, costs.amount, sum(shares.amount) as shares_total
    from {{ ref('fulfillment_costs') }} as costs
    inner join shares on shares.fulfillment_cost_key = costs.fulfillment_cost_key
    group by costs.fulfillment_cost_key, costs.amount
),

days as (
    select charge_date as sales_date, sku, currency, sum(amount) as shares_total
    from shares
    where sku is not null
    group by 1, 2, 3
)

select 'fee line' as what, fulfillment_cost_key as key, amount as expected, shares_total as actual
from lines
where amount <> shares_total
union all
select 'sku_daily', concat_ws('|', days.sales_date, days.sku, days.currency), days.shares_total, sku_daily.fulfillment_cost
from days
left join {{ ref('sku_daily') }} as sku_daily
    on sku_daily.sales_date = days.sales_date and sku_daily.sku = days.sku and sku_daily.currency = days.currency
where sku_daily.fulfillment_cost is distinct from days.shares_total
union all
select 'sku_daily', concat_ws('|', sku_daily.sales_date, sku_daily.sku, sku_daily.currency), null, sku_daily.fulfillment_cost
from {{ ref('sku_daily') }} as sku_daily
where sku_daily.fulfillment_cost is not null
  and {{ hourly_touched('sku_daily.sales_date', days_touched) }}
  and not exists (
    select 1 from days
    where days.sales_date = sku_daily.sales_date and days.sku = sku_daily.sku and days.currency = sku_daily.currency
  )

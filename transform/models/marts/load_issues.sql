-- Rows the Amazon and ShipBob taps set aside because a value could not be read. An issue is resolved once
-- the record it was meant to become is in its staging table: read again by a tap that can
-- read it (a fixed parser, a corrected document), it loads under its usual key. An API
-- record's issue is keyed by its content, so it is matched by what names the record instead
-- (order id, SKU and marketplace, group id, the event's kind and content) and counts as
-- resolved only when that record was read after the issue was last seen: a re-read that still
-- cannot read it sees the issue again (seen_at moves on), so an older copy never resolves it.
with issues as (
    select * from {{ ref('stg_amazon__load_issues') }}
)

select
    issues.issue_id,
    'amazon'                                        as source,
    issues.account_id,
    issues.stream,
    issues.operation,
    issues.report_type,
    issues.report_id,
    issues.document_id,
    issues.row_number,
    issues.column_name,
    issues.raw_value,
    issues.reason,
    issues.raw_row,
    nullif(coalesce(issues.raw_row ->> 'settlement-id', ''), '') as settlement_id,
    nullif(coalesce(
        issues.raw_row ->> 'amazon-order-id', issues.raw_row ->> 'order-id', issues.raw_row ->> 'AmazonOrderId',
        issues.raw_row ->> 'orderId', ''
    ), '') as order_id,
    issues.seen_at,
    case issues.stream
        when 'settlements' then
            case when issues.row_number = 1 then exists (
                select 1 from {{ ref('stg_amazon__settlements') }} as s
                where s.settlement_id = issues.raw_row ->> 'settlement-id'
            ) else exists (
                select 1 from {{ ref('stg_amazon__settlement_lines') }} as l
                where l.settlement_id = issues.raw_row ->> 'settlement-id'
                  and l.line_number = issues.row_number - 1
            ) end
        when 'orders' then case when issues.operation = 'searchOrders' then exists (
            select 1 from {{ ref('stg_amazon__orders') }} as o
            where o.order_id = issues.raw_row ->> 'orderId' and o._extracted_at > issues.seen_at
        ) else exists (
            select 1 from {{ ref('stg_amazon__order_items') }} as i
            where i.order_id = issues.raw_row ->> 'amazon-order-id' and i.sku = issues.raw_row ->> 'sku'
        ) end
        when 'fba_inventory' then exists (
            select 1 from {{ ref('stg_amazon__fba_inventory') }} as v
            where v.sku = issues.raw_row ->> 'sellerSku'
              and v.selling_partner_id = issues.selling_partner_id
              and v.marketplace_id is not distinct from issues.marketplace_id
              and v._extracted_at > issues.seen_at
        )
        when 'financial_event_groups' then exists (
            select 1 from {{ ref('stg_amazon__financial_event_groups') }} as g
            where g.financial_event_group_id = issues.raw_row ->> 'FinancialEventGroupId'
              and g._extracted_at > issues.seen_at
        )
        when 'financial_events' then exists (
            select 1 from {{ ref('stg_amazon__financial_events') }} as e
            where e.event_type = issues.raw_row ->> 'kind'
              and e._extracted_at > issues.seen_at
              and case
                  -- The same event apart from the value that could not be read ...
                  when issues.column_name is not null then
                      (cast(e.event as jsonb) - issues.column_name) = (issues.raw_row - 'kind' - issues.column_name)
                  -- ... or, when that value was nested (an amount), of the same order and date.
                  else e.order_id is not distinct from issues.raw_row ->> 'AmazonOrderId'
                      and cast(e.event as jsonb) -> 'PostedDate' is not distinct from issues.raw_row -> 'PostedDate'
              end
        )
        when 'customer_returns' then exists (
            select 1 from {{ ref('stg_amazon__customer_returns') }} as r
            where r.order_id = issues.raw_row ->> 'order-id'
              and r.sku = coalesce(issues.raw_row ->> 'sku', '')
              and r.license_plate_number = coalesce(issues.raw_row ->> 'license-plate-number', '')
        )
        when 'fba_shipments' then exists (
            select 1 from {{ ref('stg_amazon__fba_shipments') }} as f
            where f.order_id = issues.raw_row ->> 'amazon-order-id'
              and f.shipment_id = issues.raw_row ->> 'shipment-id'
              and f.shipment_item_id = coalesce(issues.raw_row ->> 'shipment-item-id', '')
        )
        else false
    end                                             as is_resolved,
    issues._loaded_at
from issues

union all

-- ShipBob: records of its listings (an invoice's fee lines, invoices, orders, returns, products,
-- receiving orders), keyed by their content like Amazon's API records, so resolved the same way:
-- once a record of the same identity (its id) was loaded after the issue was last seen.
select
    issues.issue_id,
    'shipbob',
    issues.account_id,
    issues.stream,
    issues.operation,
    cast(null as text),
    cast(null as text),
    cast(null as text),
    issues.row_number,
    issues.column_name,
    issues.raw_value,
    issues.reason,
    issues.raw_row,
    cast(null as text),
    nullif(case issues.stream
        when 'orders' then issues.raw_row ->> 'reference_id'
        when 'returns' then issues.raw_row ->> 'store_order_id'
    end, ''),
    issues.seen_at,
    {#- Per stream: its staging model, the record's id there, and the key naming it in raw_row. -#}
    {%- set shipbob_ids = [
        ('invoice_transactions', 'stg_shipbob__invoice_transactions', 'transaction_id', 'transaction_id'),
        ('invoices', 'stg_shipbob__invoices', 'invoice_id', 'invoice_id'),
        ('orders', 'stg_shipbob__orders', 'order_id', 'id'),
        ('returns', 'stg_shipbob__returns', 'return_id', 'id'),
        ('products', 'stg_shipbob__products', 'product_id', 'id'),
        ('receiving_orders', 'stg_shipbob__receiving_orders', 'receiving_order_id', 'id'),
    ] %}
    case issues.stream
    {%- for stream, model, id_column, raw_key in shipbob_ids %}
        when '{{ stream }}' then exists (
            select 1 from {{ ref(model) }} as loaded
            where loaded.account_id = issues.account_id
              and cast(loaded.{{ id_column }} as text) = issues.raw_row ->> '{{ raw_key }}'
              and {{ to_utc('loaded._loaded_at') }} > issues.seen_at
        )
    {%- endfor %}
        else false
    end,
    issues._loaded_at
from {{ ref('stg_shipbob__load_issues') }} as issues

-- Rows the Amazon tap set aside because a value could not be read. An issue is resolved once
-- the record it was meant to become is in its staging table: read again by a tap that can
-- read it (a fixed parser, a corrected document), it loads under its usual key.
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
        issues.raw_row ->> 'amazon-order-id', issues.raw_row ->> 'order-id', issues.raw_row ->> 'AmazonOrderId', ''
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
        when 'orders' then exists (
            select 1 from {{ ref('stg_amazon__order_items') }} as i
            where i.order_id = issues.raw_row ->> 'amazon-order-id' and i.sku = issues.raw_row ->> 'sku'
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

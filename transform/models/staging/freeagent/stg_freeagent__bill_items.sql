-- Bill lines, nested in their bill in the raw table (they change only with it).
with bills as (
    {{ latest_rows(raw_source('freeagent', 'bills'), ['company_id', 'id'], 'updated_at') }}
)

select
    bills.company_id                                as account_id,
    bills.id                                        as bill_id,
    item ->> 'id'                                   as bill_item_id,
    cast(item ->> 'position' as integer)            as position,
    item ->> 'description'                          as description,
    item ->> 'category_id'                          as nominal_code,
    {{ money("item ->> 'quantity'") }}              as quantity,
    {{ money("item ->> 'total_value_ex_tax'") }}    as net_value,
    {{ money("item ->> 'sales_tax_value'") }}       as sales_tax_value,
    {{ money("item ->> 'total_value'") }}           as total_value,
    bills.currency,
    bills._sdc_batched_at                           as _loaded_at
from bills
cross join lateral unnest(bills.bill_items) as item

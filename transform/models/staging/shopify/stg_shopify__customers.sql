with source as (
    {{ latest_rows(raw_source('shopify', 'customers'), ['shop', 'id'], 'updated_at') }}
)

select
    shop                                            as account_id,
    split_part(id, '/', 5)                          as customer_id,
    state,
    verified_email                                  as has_verified_email,
    tax_exempt                                      as is_tax_exempt,
    locale,
    number_of_orders,
    {{ money('amount_spent') }}                     as amount_spent,
    amount_spent_currency                           as currency,
    split_part(last_order_id, '/', 5)               as last_order_id,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('updated_at') }}                      as updated_at,
    _sdc_batched_at                                 as _loaded_at
from source

-- Shopify customers, without personal data. Amazon shares no buyer identity unless personal
-- data is extracted, so Amazon buyers are not listed.
select
    {{ surrogate_key(["'shopify'", 'account_id', 'customer_id']) }} as customer_key,
    'shopify'                                                     as source,
    account_id,
    customer_id,
    state,
    has_verified_email,
    is_tax_exempt,
    locale,
    number_of_orders,
    amount_spent,
    currency,
    last_order_id,
    created_at,
    updated_at,
    _loaded_at
from {{ ref('stg_shopify__customers') }}

select distinct on (shop, id)
    shop                                            as account_id,
    split_part(id, '/', 5)                          as order_id,
    {{ to_utc('created_at') }}                      as created_at,
    {{ to_utc('_sdc_deleted_at') }}                 as deleted_at,
    _sdc_batched_at                                 as _loaded_at
from {{ raw_source('shopify', 'orders') }}
where _sdc_deleted_at is not null
order by shop, id, _sdc_deleted_at desc

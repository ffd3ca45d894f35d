with source as (
    select * from {{ source('shopify', 'shop') }}
    where _sdc_deleted_at is null
),

deduplicated as (
    select *, row_number() over (partition by shop order by _sdc_batched_at desc) as row_rank
    from source
)

select
    shop                                        as account_id,
    id                                          as shop_gid,
    name                                        as account_name,
    currency_code                               as currency,
    iana_timezone                               as timezone,
    taxes_included,
    plan_display_name,
    {{ to_utc('created_at') }}             as created_at,
    {{ to_utc('updated_at') }}             as updated_at,
    _sdc_batched_at                             as _loaded_at
from deduplicated
where row_rank = 1

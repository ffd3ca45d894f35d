{#- History accumulates run after run: each run writes today's stock (UTC), replacing an
    earlier run's of the same day. A full refresh must not erase the history, so it is off. -#}
{{
    config(
        materialized='incremental',
        unique_key='snapshot_key',
        incremental_strategy='merge',
        full_refresh=false,
        post_hook="{{ index_incremental_mart('snapshot_key', loaded_at=false) }}",
    )
}}

select
    {{ surrogate_key(['snapshot_date', 'inventory_key']) }}       as snapshot_key,
    snapshot_date,
    inventory_key,
    source,
    account_id,
    location_id,
    fc,
    sku,
    asin,
    fnsku,
    on_hand,
    available,
    reserved,
    inbound,
    unfulfillable,
    updated_at
from (
    select cast(now() at time zone 'UTC' as date) as snapshot_date, *
    from {{ ref('inventory') }}
) as today

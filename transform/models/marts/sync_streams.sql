-- One row per stream and account of each extractor run, as the tap counted it.
{{ config(materialized='view') }}

with streams as (
    select * from {{ ref('stg_shopify__sync_streams') }}
    union all
    select * from {{ ref('stg_amazon__sync_streams') }}
    union all
    select * from {{ ref('stg_freeagent__sync_streams') }}
    union all
    select * from {{ ref('stg_shipbob__sync_streams') }}
)

select
    streams.run_id,
    runs.plugin,
    streams.source,
    streams.account_id,
    streams.stream,
    streams.mode,
    streams.window_start,
    streams.window_end,
    streams.expected_records,
    streams.records,
    streams.api_calls,
    streams.api_cost,
    streams.started_at,
    streams.finished_at,
    cast(extract(epoch from streams.finished_at - streams.started_at) as numeric(12, 3)) as duration_s,
    streams.outcome,
    streams.error,
    streams._loaded_at at time zone 'UTC'           as _loaded_at
from streams
left join {{ ref('sync_runs') }} as runs on runs.run_id = streams.run_id

-- One row per extractor run (from the taps' own run records) and per dbt command (from
-- stratus-dbt's record of run_results.json). A view, so a run shows here as soon as its
-- record is loaded, even when the run failed and no dbt build followed it.
{{ config(materialized='view') }}

with extract_runs as (
    select * from {{ ref('stg_shopify__sync_runs') }}
    union all
    select * from {{ ref('stg_amazon__sync_runs') }}
    union all
    select * from {{ ref('stg_freeagent__sync_runs') }}
    union all
    select * from {{ ref('stg_shipbob__sync_runs') }}
),

transform_runs as (
    select * from {{ ref('stg_stratus__dbt_runs') }}
)

select
    run_id,
    'extract'                                       as kind,
    plugin,
    source,
    account_ids,
    job,
    started_at,
    finished_at,
    cast(extract(epoch from finished_at - started_at) as numeric(12, 3)) as duration_s,
    records,
    api_calls,
    api_cost,
    outcome,
    error,
    tap_version                                     as plugin_version,
    _loaded_at at time zone 'UTC'                   as _loaded_at
from extract_runs

union all

select
    run_id,
    'transform'                                     as kind,
    plugin,
    cast(null as text)                              as source,
    cast(null as text[])                            as account_ids,
    cast(null as text)                              as job,
    started_at,
    finished_at,
    duration_s,
    rows_affected                                   as records,
    cast(null as bigint)                            as api_calls,
    cast(null as numeric)                           as api_cost,
    outcome,
    error,
    dbt_version                                     as plugin_version,
    _loaded_at
from transform_runs

-- One row per dbt command, with dbt's own counts from run_results.json.
{{ config(materialized='view') }}

select
    invocation_id                                   as run_id,
    plugin,
    command,
    args,
    selector,
    dbt_version,
    started_at,
    finished_at,
    cast(extract(epoch from finished_at - started_at) as numeric(12, 3)) as duration_s,
    elapsed_s,
    exit_code,
    outcome,
    error,
    models_ok,
    models_error,
    models_skipped,
    tests_pass,
    tests_warn,
    tests_fail,
    tests_error,
    tests_skipped,
    seeds_ok,
    seeds_error,
    snapshots_ok,
    snapshots_error,
    rows_affected,
    _loaded_at
from {{ ref('stg_stratus__dbt_runs') }}

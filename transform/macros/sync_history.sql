{#- The run history a tap emits at the end of every run (streams sync_runs and sync_streams),
    staged alike for every source: renamed, typed, times in UTC. -#}
{% macro staged_sync_runs(source_name) -%}
with source as (
    {{ latest_rows(raw_source(source_name, 'sync_runs'), ['run_id']) }}
)

select
    run_id,
    '{{ source_name }}'                              as source,
    tap                                             as plugin,
    account_ids,
    job,
    {{ to_utc('started_at') }}                      as started_at,
    {{ to_utc('finished_at') }}                     as finished_at,
    outcome,
    error,
    records,
    api_calls,
    api_cost,
    tap_version,
    _sdc_batched_at                                 as _loaded_at
from source
{%- endmacro %}

{% macro staged_sync_streams(source_name) -%}
with source as (
    {{ latest_rows(raw_source(source_name, 'sync_streams'), ['run_id', 'stream', 'account_id']) }}
)

select
    run_id,
    '{{ source_name }}'                              as source,
    stream,
    account_id,
    mode,
    {{ to_utc('window_start') }}                    as window_start,
    {{ to_utc('window_end') }}                      as window_end,
    expected_records,
    records,
    api_calls,
    api_cost,
    {{ to_utc('started_at') }}                      as started_at,
    {{ to_utc('finished_at') }}                     as finished_at,
    outcome,
    error,
    _sdc_batched_at                                 as _loaded_at
from source
{%- endmacro %}

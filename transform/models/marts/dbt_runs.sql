-- One row per dbt command, with dbt's own counts from run_results.json.
{{ config(materialized='view') }}

select * from {{ ref('stg_stratus__dbt_runs') }}

-- How fresh each source and account is, computed when queried (a view: the lags use now()).
-- The run side comes from the run history, the data side from the raw records themselves.
{{ config(materialized='view') }}

with run_accounts as (
    select runs.source, account.run_account, runs.finished_at, runs.outcome, runs.error
    from {{ ref('sync_runs') }} as runs
    cross join lateral unnest(runs.account_ids) as account (run_account)
    where runs.kind = 'extract'
),

records as (
    select * from {{ ref('int_account_records__newest') }}
),

-- The accounts of the marts. An Amazon run names its seller and reads each of its marketplaces,
-- the accounts `<seller>:<marketplace>`: it counts for each of them. An account a run read
-- but whose data has no order yet keeps the run's name for it.
accounts as (
    select source, account_id from records
    union
    select source, run_account from run_accounts
    where not exists (
        select 1 from records
        where records.source = run_accounts.source
          and (records.account_id = run_accounts.run_account
               or starts_with(records.account_id, run_accounts.run_account || ':'))
    )
),

account_runs as (
    select accounts.source, accounts.account_id, run_accounts.finished_at, run_accounts.outcome, run_accounts.error
    from accounts
    inner join run_accounts
        on run_accounts.source = accounts.source
       and (accounts.account_id = run_accounts.run_account
            or starts_with(accounts.account_id, run_accounts.run_account || ':'))
),

run_stats as (
    select
        source,
        account_id,
        max(finished_at)                                         as last_run_at,
        max(finished_at) filter (where outcome = 'succeeded')    as last_success_at
    from account_runs
    group by source, account_id
),

last_runs as (
    select distinct on (source, account_id) source, account_id, outcome, error
    from account_runs
    order by source, account_id, finished_at desc
)

select
    accounts.source,
    accounts.account_id,
    run_stats.last_run_at,
    last_runs.outcome                               as last_run_outcome,
    last_runs.error                                 as last_run_error,
    run_stats.last_success_at,
    records.last_loaded_at,
    records.newest_record_at,
    cast(extract(epoch from now() - run_stats.last_success_at) as numeric(14, 3)) as success_lag_s,
    cast(extract(epoch from now() - records.newest_record_at) as numeric(14, 3))  as record_lag_s
from accounts
left join run_stats using (source, account_id)
left join last_runs using (source, account_id)
left join records using (source, account_id)

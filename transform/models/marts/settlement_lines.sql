{{
    config(
        materialized='incremental',
        unique_key='settlement_line_key',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        meta={'hourly_test_window': '_loaded_at'},
        post_hook="{{ index_incremental_mart('settlement_line_key', also=[['settlement_key']]) }}",
    )
}}

-- Each line is one row of one staging table, so the window's filter on `_loaded_at` reaches
-- the raw tables (see latest_rows).
with lines as (
    select *
    from {{ ref('int_settlement_lines__unified') }}
    {%- if is_incremental() %}
    where _loaded_at > case source when 'shopify' then {{ lookback_start('shopify') }} else {{ lookback_start('amazon') }} end
    {%- endif %}
)

select
    {{ surrogate_key(['lines.source', 'lines.account_id', 'lines.line_id']) }} as settlement_line_key,
    {{ surrogate_key(['source', 'account_id', 'settlement_id']) }} as settlement_key,
    case when order_id is not null then {{ surrogate_key(['source', 'account_id', 'order_id']) }} end as order_key,
    source,
    account_id,
    settlement_id,
    line_id,
    order_id,
    type,
    category,
    fee_type,
    description,
    sku,
    amount,
    currency,
    posted_date,
    _loaded_at
from lines
{%- if is_incremental() %}
-- A line the mart already holds as this very load of its row is left out: it would be written
-- again unchanged. The window re-reads every row loaded in the lookback before the source's newest
-- (a settlement comes every two weeks: until the next, a whole backfill shares one load time), so
-- without this the hourly run would rewrite them all each hour.
where not exists (
    select 1
    from {{ this }} as held
    where held.settlement_line_key = {{ surrogate_key(['lines.source', 'lines.account_id', 'lines.line_id']) }}
      and held._loaded_at = lines._loaded_at
)
{%- endif %}

{#- The newest version of each key in a raw table, leaving out rows deleted at the source.
    The loader upserts on the key already; this guards staging against any re-delivery.

    `newest` is the column that orders versions (newest first, a missing value first, as
    `order by newest desc` does), then `_sdc_batched_at`, then the row's physical position.
    A row is kept when no other live row of its key ranks before it: an anti-join rather than
    a window function, so that a filter on the view (an incremental run's `_loaded_at` window,
    a key) reaches the raw table and its indexes instead of waiting for every row to be ranked.
    The anti-join matches keys with `=`, so it needs a key the loader made the table's primary
    key (never null); any other key (`primary_key=false`), and a raw table not loaded yet
    (raw_source's empty stand-in, which has no row positions), are ranked with a window function. -#}
{% macro latest_rows(relation, key, newest='_sdc_batched_at', primary_key=true) -%}
    {%- if not primary_key or (relation | string | trim).startswith('(') %}
    select *
    from (
        select *, row_number() over (partition by {{ key | join(', ') }} order by {{ newest }} desc, _sdc_batched_at desc) as row_rank
        from {{ relation }}
        where _sdc_deleted_at is null
    ) as ranked
    where row_rank = 1
    {%- else %}
    select *
    from {{ relation }} as version
    where version._sdc_deleted_at is null
      and not exists (
        select 1
        from {{ relation }} as newer
        where {% for column in key %}newer.{{ column }} = version.{{ column }} and {% endfor %}newer._sdc_deleted_at is null
          and {{ ranks_before('newer', 'version', [newest, '_sdc_batched_at', 'ctid'] | unique | list) }}
    )
    {%- endif %}
{%- endmacro %}

{#- True when row `a` sorts before row `b` by `columns`, each descending with missing values
    first (as `order by ... desc` sorts). -#}
{% macro ranks_before(a, b, columns) -%}
    {%- set column = columns[0] -%}
    (({{ a }}.{{ column }} is null and {{ b }}.{{ column }} is not null) or {{ a }}.{{ column }} > {{ b }}.{{ column }}
    {%- if columns | length > 1 %}
        or ({{ a }}.{{ column }} is not distinct from {{ b }}.{{ column }} and {{ ranks_before(a, b, columns[1:]) }})
    {%- endif %})
{%- endmacro %}

{#- The newest version of each key in a raw table, leaving out rows deleted at the source.
    The loader upserts on the key already; this guards staging against any re-delivery. -#}
{% macro latest_rows(relation, key, newest_first) -%}
    select *
    from (
        select
            *,
            row_number() over (partition by {{ key | join(', ') }} order by {{ newest_first }}, _sdc_batched_at desc) as row_rank
        from {{ relation }}
        where _sdc_deleted_at is null
    ) as ranked
    where row_rank = 1
{%- endmacro %}

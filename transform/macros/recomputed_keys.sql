{#- Incremental marts that recompute whole entities (a sales day, a shipment) rather than rows:
    1. a pre-hook collects the keys of the entities with an input loaded within the lookback
       window into a temporary table that lives as long as the model's transaction
       (collect_recomputed; a full build collects none);
    2. the model keeps the rows of those keys (is_recomputed), as an array read once: a plain
       condition on one column, which the planner pushes into the views below to each input's
       rows, where a subquery condition would be applied only after the whole view;
    3. a post-hook removes the rows of those keys that the merge did not write, those the model
       no longer gives (an order deleted, a line gone), as a full build would: dbt's merge
       updates every row it matches, so each row it gave has this transaction as its writer
       (remove_recomputed_not_merged).
    The keys are collected once, before the merge: the merge moves the mart's newest row on, so
    a window read again after it could name fewer keys than were recomputed.
    `keys` names the macro of the collecting query (one column, `key`), run only in an incremental
    run, as it reads the mart, which a first build has not made yet; and rendered at parse time,
    so that dbt knows what it reads. -#}
{% macro collect_recomputed(keys, key_type, args={}) -%}
    create temporary table {{ recomputed_table() }} on commit drop as
    {% if is_incremental() or not execute -%}
    {{ context[keys](**args) }}
    {%- else -%}
    select cast(null as {{ key_type }}) as key where false
    {%- endif %}
{%- endmacro %}

{% macro is_recomputed(column) -%}
    {{ column }} = any(array(select key from {{ recomputed_table() }}))
{%- endmacro %}

{% macro remove_recomputed_not_merged(column) -%}
    delete from {{ this }} as mart
    where {{ is_recomputed('mart.' ~ column) }}
      and mart.xmin <> pg_current_xact_id()::xid
{%- endmacro %}

{% macro recomputed_table() -%}
    {{ this.identifier }}__recomputed
{%- endmacro %}

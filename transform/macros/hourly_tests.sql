{#- What a generic test reads of the model it tests (dbt's own macro, overridden): the model
    filtered by the test's `where` config, as dbt does, and, in the hourly run
    (`--selector hourly`), for an incremental mart that names its load-time column in
    `meta.hourly_test_window`, only the rows loaded within the lookback window of its newest
    row. Those are every row the hourly run may have written: a merge on the mart's unique key
    rewrites a key in place (so a duplicate cannot hide among older rows), and the rows before the
    window were tested when they were written. The daily `dbt build` still tests every row. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set window = hourly_test_window(relation) -%}
    {%- if window -%}
        {%- do conditions.append(window) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The hourly run's filter for a generic test of `relation` (an incremental mart naming its
    load-time column in `meta.hourly_test_window`), or none. -#}
{% macro hourly_test_window(relation) -%}
    {%- if not in_hourly_run() -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == relation.identifier and node.schema == relation.schema -%}
            {%- set column = node.config.meta.get('hourly_test_window') -%}
            {%- if column -%}
                {%- do return(hourly_window(relation, column)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- Whether this is the hourly run (`--selector hourly`), whose tests read the lookback window. -#}
{% macro in_hourly_run() -%}
    {%- do return(execute and invocation_args_dict.get('selector') == 'hourly') -%}
{%- endmacro %}

{#- A condition on the rows of `relation`: in the hourly run, `column` within the lookback window
    (`lookback_hours`) before the read of the incremental mart's run before this one
    (record_last_read), which is no later than where this run's window started, so it holds every
    row this run wrote; for a model with no earlier read recorded (a table, a view, a first build),
    the window before its newest value. Elsewhere `true`, every row. Bounded by the last read, the
    window moves on each hour even when a source is quiet (between two Amazon settlements) where
    the newest value would hold it on the last load. -#}
{% macro hourly_window(relation, column='_loaded_at') -%}
    {%- if not in_hourly_run() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set lookback = "interval '" ~ var('lookback_hours') ~ " hours'" -%}
    {%- do return(column ~ " > coalesce((" ~ previous_read(relation.identifier) ~ ") - " ~ lookback
                  ~ ", (select max(" ~ column ~ ") from " ~ relation ~ ") - " ~ lookback ~ ")") -%}
{%- endmacro %}

{#- A condition that `key` names an entity touched within the hourly run's window: one with a
    row of any of `sources` (pairs of a relation and the expression naming the entity in it,
    e.g. `(ref('order_items'), 'order_key')`) loaded within that relation's window; elsewhere
    `true`, every entity. A reconciliation filtered by it compares whole entities (an order
    with all its lines), never the part of one that happened to load. -#}
{% macro hourly_touched(key, sources) -%}
    {%- if not in_hourly_run() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for relation, expression in sources -%}
        {%- do selects.append('select ' ~ expression ~ ' from ' ~ relation ~ ' where ' ~ hourly_window(relation)) -%}
    {%- endfor -%}
    {%- if ',' in key -%}
        {%- do return(key ~ ' in (' ~ selects | join(' union ') ~ ')') -%}
    {%- endif -%}
    {#- One column: the entities as an array, read once, a condition the planner pushes into the
        views below (as is_recomputed does), where `in (subquery)` is applied only after
        the whole view is computed. -#}
    {%- do return(key ~ ' = any(array(' ~ selects | join(' union ') ~ '))') -%}
{%- endmacro %}

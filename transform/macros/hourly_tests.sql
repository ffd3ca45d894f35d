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

{#- The hourly run's filter for a test of `relation`, or none. -#}
{% macro hourly_test_window(relation) -%}
    {%- if not execute or invocation_args_dict.get('selector') != 'hourly' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == relation.identifier and node.schema == relation.schema -%}
            {%- set column = node.config.meta.get('hourly_test_window') -%}
            {%- if column -%}
                {%- do return(column ~ " > (select max(" ~ column ~ ") from " ~ relation ~ ") - interval '"
                              ~ var('lookback_hours') ~ " hours'") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- Amounts stay exact: numeric with no scale limit (some currencies have 3 decimals). -#}
{% macro money(column) -%}
    cast({{ column }} as numeric)
{%- endmacro %}

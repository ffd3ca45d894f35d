{#- Models name their schema outright (staging, warehouse) instead of dbt's default
    "<target schema>_<custom schema>", so the warehouse schema is always `warehouse`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- The loader stores timestamps as UTC without a zone; read them as UTC whatever the
    session's time zone is. -#}
{% macro to_utc(column) -%}
    (cast({{ column }} as timestamp) at time zone 'UTC')
{%- endmacro %}

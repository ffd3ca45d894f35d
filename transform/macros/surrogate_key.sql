{#- A stable text key from several columns (md5 of their values joined by '|', nulls as ''). -#}
{% macro surrogate_key(columns) -%}
    md5({%- for column in columns %}coalesce(cast({{ column }} as text), ''){% if not loop.last %} || '|' || {% endif %}{%- endfor %})
{%- endmacro %}

{#- The sum of one money field over a JSON array of amounts (as SP-API financial events list
    them: [{"ChargeAmount": {"CurrencyAmount": 1.5, ...}}, ...]); 0 for a missing list. -#}
{% macro sum_json_amounts(list, amount_field) -%}
    coalesce((
        select sum({{ money("entry -> '" ~ amount_field ~ "' ->> 'CurrencyAmount'") }})
        from jsonb_array_elements(coalesce({{ list }}, '[]'::jsonb)) as entry
    ), 0)
{%- endmacro %}

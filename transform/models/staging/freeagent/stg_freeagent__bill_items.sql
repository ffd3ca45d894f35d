-- Bill lines, nested in their bill in the raw table (they change only with it).
{{ staged_document_items('bills', 'bill_id', 'bill_item_id', 'bill_items', [
    ('quantity', 'quantity'),
    ('net_value', 'total_value_ex_tax'),
    ('sales_tax_value', 'sales_tax_value'),
    ('total_value', 'total_value'),
]) }}

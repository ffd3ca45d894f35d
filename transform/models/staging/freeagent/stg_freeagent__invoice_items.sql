-- Invoice lines, nested in their invoice in the raw table (they change only with it).
{{ staged_document_items('invoices', 'invoice_id', 'invoice_item_id', 'invoice_items', sales_line_amounts()) }}

-- Credit note lines, nested in their credit note in the raw table; quantities negative.
{{ staged_document_items('credit_notes', 'credit_note_id', 'credit_note_item_id', 'credit_note_items', sales_line_amounts()) }}

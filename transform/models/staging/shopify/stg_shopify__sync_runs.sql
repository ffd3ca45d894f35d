{{ staged_sync_runs('shopify') }}

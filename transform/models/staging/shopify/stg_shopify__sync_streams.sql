{{ staged_sync_streams('shopify') }}

{{ staged_sync_streams('amazon') }}

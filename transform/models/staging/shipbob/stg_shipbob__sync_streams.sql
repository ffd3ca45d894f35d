{{ staged_sync_streams('shipbob') }}

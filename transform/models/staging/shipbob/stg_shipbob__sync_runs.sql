{{ staged_sync_runs('shipbob') }}

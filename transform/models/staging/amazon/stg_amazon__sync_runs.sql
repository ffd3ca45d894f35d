{{ staged_sync_runs('amazon') }}

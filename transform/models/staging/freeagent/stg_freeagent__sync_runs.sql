{{ staged_sync_runs('freeagent') }}

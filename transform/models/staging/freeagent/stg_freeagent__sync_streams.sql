{{ staged_sync_streams('freeagent') }}

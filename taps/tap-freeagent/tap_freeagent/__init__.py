"""tap-freeagent: a Singer tap for the FreeAgent API v2."""

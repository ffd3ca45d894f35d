"""tap-shipbob: a Singer tap for ShipBob's Developer API (2026-01)."""

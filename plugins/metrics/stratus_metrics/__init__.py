"""Run history and freshness of the warehouse, as Prometheus metrics and as a summary."""

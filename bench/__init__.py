"""`make bench`: load throughput, memory, API time and dbt time, each beside its target."""

"""Wrappers around target-postgres and dbt: settings checked up front, TLS through libpq, one-line errors."""

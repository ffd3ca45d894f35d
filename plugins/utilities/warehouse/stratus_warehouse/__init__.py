"""The embedded Postgres warehouse: a real PostgreSQL 18 server kept inside the project."""

from stratus_warehouse.server import Warehouse

__all__ = ["Warehouse"]

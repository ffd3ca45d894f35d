"""Schema pieces every stream shares."""

from __future__ import annotations

from singer_sdk import typing as th

#: Every record names the FreeAgent company (account) it came from.
COMPANY = th.Property("company_id", th.StringType, required=True, description="The company's FreeAgent id")

#: An exact decimal amount (emitted as a JSON number from Decimal, never a float).
Money = th.DecimalType


def reference(name: str, what: str) -> tuple[th.Property[str], th.Property[str]]:
    """A reference kept as FreeAgent's URL and reduced to the id it ends in."""
    return (
        th.Property(name, th.StringType, description=f"URL of the {what}"),
        th.Property(f"{name}_id", th.StringType, description=f"Id of the {what} (the URL's last segment)"),
    )


def identity(what: str) -> tuple[th.Property[str], th.Property[str], th.Property[str]]:
    """The company, the record's own URL and its id."""
    return (
        COMPANY,
        th.Property("url", th.StringType, description=f"URL of the {what}"),
        th.Property("id", th.StringType, required=True, description=f"Id of the {what} (the URL's last segment)"),
    )


TIMESTAMPS = (
    th.Property("created_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType),
)

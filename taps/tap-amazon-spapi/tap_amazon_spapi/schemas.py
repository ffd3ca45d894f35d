"""Schema pieces every stream shares."""

from singer_sdk import typing as th

#: Every record names the seller and marketplace it came from.
IDENTITY = (
    th.Property("selling_partner_id", th.StringType, required=True),
    th.Property("marketplace_id", th.StringType),
)

#: An exact decimal amount (emitted as a JSON number from Decimal, never a float).
Money = th.DecimalType

"""The company itself and its categories (chart of accounts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import typing as th

from tap_freeagent.client import FreeAgentStream
from tap_freeagent.schemas import COMPANY

if TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context


class CompanyStream(FreeAgentStream):
    """`GET /company`: one record, the account every other record belongs to (read once per run)."""

    name = "company"
    path = "/company"
    primary_keys: ClassVar[list[str]] = ["company_id"]
    collection = "company"
    paged = False

    schema = th.PropertiesList(
        COMPANY,
        th.Property("url", th.StringType),
        th.Property("id", th.StringType),
        th.Property("name", th.StringType),
        th.Property("subdomain", th.StringType),
        th.Property("type", th.StringType),
        th.Property("currency", th.StringType),
        th.Property("company_start_date", th.DateType),
        th.Property("trading_start_date", th.DateType),
        th.Property("first_accounting_year_end", th.DateType),
        th.Property("freeagent_start_date", th.DateType),
        th.Property("country", th.StringType),
        th.Property("company_registration_number", th.StringType),
        th.Property("sales_tax_name", th.StringType),
        th.Property("sales_tax_registration_status", th.StringType),
        th.Property("sales_tax_is_value_added", th.BooleanType),
    ).to_dict()

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002 - the SDK's signature
        # Read once per run: another stream may have asked for it first (every record carries its id).
        company_id = self.company_id
        record = dict(self._tap.company)  # type: ignore[attr-defined]
        record["company_id"] = company_id
        if record.get("id") is not None:
            record["id"] = str(record["id"])
        yield record


class CategoriesStream(FreeAgentStream):
    """`GET /categories`: the chart of accounts, grouped by kind in the answer; one record per category.

    Key: (company_id, nominal_code): FreeAgent names each category by its nominal code (its URL
    ends in it), unique within a company.
    """

    name = "categories"
    path = "/categories"
    primary_keys: ClassVar[list[str]] = ["company_id", "nominal_code"]
    collection = "categories"
    paged = False

    schema = th.PropertiesList(
        COMPANY,
        th.Property("url", th.StringType),
        th.Property("nominal_code", th.StringType, required=True),
        th.Property("description", th.StringType),
        th.Property("group", th.StringType, description="admin_expenses, cost_of_sales, income or general"),
        th.Property("allowable_for_tax", th.BooleanType),
        th.Property("tax_reporting_name", th.StringType),
        th.Property("auto_sales_tax_rate", th.StringType),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for key, categories in self.json_of(response).items():
            if key.endswith("_categories") and isinstance(categories, list):
                for category in categories:
                    yield {**category, "group": key.removesuffix("_categories")}

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:  # noqa: ARG002
        row["company_id"] = self.company_id
        row["nominal_code"] = str(row.get("nominal_code") or row["url"].rstrip("/").rsplit("/", 1)[-1])
        return row

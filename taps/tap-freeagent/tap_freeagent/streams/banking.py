"""Bank accounts, and per account its transactions and their explanations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import typing as th

from tap_freeagent.client import FreeAgentStream
from tap_freeagent.schemas import TIMESTAMPS, Money, identity, reference

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class BankAccountsStream(FreeAgentStream):
    """`GET /bank_accounts`: every account (read whole each run: a company has a handful)."""

    name = "bank_accounts"
    path = "/bank_accounts"
    primary_keys: ClassVar[list[str]] = ["company_id", "id"]
    collection = "bank_accounts"
    amounts = ("opening_balance", "current_balance")

    schema = th.PropertiesList(
        *identity("bank account"),
        th.Property("type", th.StringType),
        th.Property("name", th.StringType),
        th.Property("currency", th.StringType),
        th.Property("is_personal", th.BooleanType),
        th.Property("is_primary", th.BooleanType),
        th.Property("status", th.StringType),
        th.Property("bank_name", th.StringType),
        th.Property("opening_balance", Money),
        th.Property("current_balance", Money),
        th.Property("latest_activity_date", th.DateType),
        *TIMESTAMPS,
    ).to_dict()

    def generate_child_contexts(self, record: dict[str, Any], context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        yield {"bank_account_id": record["id"], "currency": record.get("currency")}


class PerAccountStream(FreeAgentStream):
    """A list read once per bank account (`bank_account` is required), each account its own bookmark."""

    parent_stream_type = BankAccountsStream
    state_partitioning_keys: ClassVar[list[str]] = ["bank_account_id"]
    updated_since = True
    is_sorted = False  # lists come by date, not by update time: the bookmark moves at the account's end

    def context_params(self, context: Context | None) -> dict[str, Any]:
        assert context is not None
        return {"bank_account": f"{self.url_base}/bank_accounts/{context['bank_account_id']}"}

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        processed = super().post_process(row, context)
        if processed is not None and context is not None:
            # Amounts are in the account's currency; FreeAgent does not repeat it per transaction.
            processed["currency"] = context.get("currency")
        return processed


class BankTransactionsStream(PerAccountStream):
    """`GET /bank_transactions?bank_account=`: incremental on `updated_since` per account.

    Key: (company_id, id): the id is the last segment of the transaction's URL, unique in the company.
    Explanations are their own stream, so the embedded copies are left out here.
    """

    name = "bank_transactions"
    path = "/bank_transactions"
    primary_keys: ClassVar[list[str]] = ["company_id", "id"]
    replication_key = "updated_at"
    collection = "bank_transactions"
    amounts = ("amount", "unexplained_amount")

    schema = th.PropertiesList(
        *identity("bank transaction"),
        *reference("bank_account", "bank account"),
        th.Property("currency", th.StringType, description="The bank account's currency, the amounts'"),
        th.Property("dated_on", th.DateType),
        th.Property("amount", Money),
        th.Property("unexplained_amount", Money),
        th.Property("description", th.StringType),
        th.Property("full_description", th.StringType),
        th.Property("uploaded_at", th.DateTimeType),
        th.Property("is_manual", th.BooleanType),
        th.Property("transaction_id", th.StringType, description="The bank's own id (fit_id)"),
        th.Property("matching_transactions_count", th.IntegerType),
        *TIMESTAMPS,
    ).to_dict()

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        row.pop("bank_transaction_explanations", None)
        return super().post_process(row, context)


class BankTransactionExplanationsStream(PerAccountStream):
    """`GET /bank_transaction_explanations?bank_account=`: incremental on `updated_since` per account.

    Explanations carry no timestamp of their own (FreeAgent's `updated_since` filters on their
    transaction's update), so the bookmark is `synced_at`, the moment the run started: the next run
    asks for what changed since then, less the lookback.
    Key: (company_id, id): the id is the last segment of the explanation's URL.
    """

    name = "bank_transaction_explanations"
    path = "/bank_transaction_explanations"
    primary_keys: ClassVar[list[str]] = ["company_id", "id"]
    replication_key = "synced_at"
    collection = "bank_transaction_explanations"
    amounts = ("gross_value", "sales_tax_value", "sales_tax_rate", "foreign_currency_value")

    schema = th.PropertiesList(
        *identity("explanation"),
        *reference("bank_transaction", "transaction explained"),
        *reference("bank_account", "bank account"),
        *reference("category", "category"),
        *reference("paid_invoice", "invoice the money pays"),
        *reference("paid_bill", "bill the money pays"),
        th.Property("currency", th.StringType, description="The bank account's currency, gross_value's"),
        th.Property("type", th.StringType),
        th.Property("dated_on", th.DateType),
        th.Property("description", th.StringType),
        th.Property("gross_value", Money),
        th.Property("sales_tax_rate", Money),
        th.Property("sales_tax_value", Money),
        th.Property("sales_tax_status", th.StringType),
        th.Property("foreign_currency_value", Money),
        th.Property("marked_for_review", th.BooleanType),
        th.Property("is_money_in", th.BooleanType),
        th.Property("is_money_out", th.BooleanType),
        th.Property("synced_at", th.DateTimeType, description="When this run read it (the tap's bookmark)"),
    ).to_dict()

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        row["synced_at"] = self._tap.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[attr-defined]
        return super().post_process(row, context)

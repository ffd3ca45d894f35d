"""A record holding a value the tap cannot read is set aside in load_issues, with where it came from
and why, while every other record loads; over real HTTP against the sandbox's fault."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from shipbob_sandbox import arm, start_date, sync, tap_config
from tap_common.issues import UnreadableValue
from tap_shipbob.records import money

BILLING = ["invoices", "invoice_transactions", "load_issues", "sync_runs"]


def test_a_fee_line_whose_amount_cannot_be_read_is_set_aside_and_every_other_loads(sandbox_factory, caplog):
    sandbox, url = sandbox_factory(shopify_orders=60, amazon_orders=5, days=30, time_scale=600)
    config = tap_config(url, start_date=start_date(35))
    clean = sync(config, streams=BILLING)
    assert "load_issues" not in clean.records
    arm(url, kind="unreadable_amounts", count=2)
    garbled = set(sandbox.shipbob.faults.status()["unreadable_transaction_ids"])
    assert len(garbled) == 2
    with caplog.at_level(logging.WARNING):
        out = sync(config, streams=BILLING)

    by_id = {t["transaction_id"]: t for t in clean.records["invoice_transactions"]}
    loaded = {t["transaction_id"]: t for t in out.records["invoice_transactions"]}
    assert set(loaded) == set(by_id) - garbled  # every other fee line, as it loads without the fault
    assert all(loaded[k] == by_id[k] for k in loaded)
    assert out.records["invoices"] == clean.records["invoices"]

    issues = out.records["load_issues"]
    assert sorted(i["raw_row"]["transaction_id"] for i in issues) == sorted(garbled)
    for issue in issues:
        fee = by_id[issue["raw_row"]["transaction_id"]]
        text = f"{fee['amount']:.2f}".replace(".", ",")
        assert issue["account_id"] == "451207"
        assert issue["stream"] == "invoice_transactions"
        assert issue["operation"] == f"/invoices/{fee['invoice_id']}/transactions"
        assert (issue["column_name"], issue["raw_value"]) == ("amount", text)
        assert issue["reason"] == f"amount: {text!r} is not a decimal number"
        assert issue["raw_row"]["amount"] == text  # the record as it came
        assert issue["raw_row"]["reference_id"] == fee["reference_id"]
        # Its position in its invoice's listing (fee lines are listed oldest first, by id).
        listed = [t for t in clean.records["invoice_transactions"] if t["invoice_id"] == fee["invoice_id"]]
        assert listed[issue["row_number"] - 1]["transaction_id"] == fee["transaction_id"]
        assert issue["seen_at"]
    assert len({i["issue_id"] for i in issues}) == 2
    # The run counts them in one line, and says where to look.
    assert any(
        "2 rows set aside with values that could not be read (invoice_transactions: 2): "
        "select * from warehouse.load_issues where source = 'shipbob'" in r.getMessage()
        for r in caplog.records
    )
    [run] = out.records["sync_runs"]
    assert run["outcome"] == "succeeded"

    # Read again, the same records are the same issues (their key is their content).
    again = sync(config, streams=BILLING)
    assert sorted(i["issue_id"] for i in again.records["load_issues"]) == sorted(i["issue_id"] for i in issues)


@pytest.mark.parametrize("value", ["12,34", "NaN", "Infinity", "1.2.3", "", [1]])
def test_an_amount_no_decimal_reads_is_unreadable_and_names_its_column(value):
    with pytest.raises(UnreadableValue) as caught:
        money(value, "invoice.amount")
    assert caught.value.column == "invoice.amount"
    assert caught.value.reason.startswith("invoice.amount: ")


def test_amounts_that_read_one_way_are_read_exactly():
    assert money(Decimal("4.10")) == Decimal("4.10")
    assert money("4.10") == Decimal("4.10")
    assert money(7) == Decimal(7)
    assert money(None) is None

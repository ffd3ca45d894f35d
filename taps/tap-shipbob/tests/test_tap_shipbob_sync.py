"""What a sync reads: every order the account changed in the window with its shipments, keys
unique, amounts exact, invoices whose fee lines add up, and the account on every record."""

from collections import Counter
from decimal import Decimal

import pytest
from shipbob_sandbox import SESSION_SANDBOX, calls, sync, tap_config
from tap_common.settings import parse_moment
from tap_shipbob.tap import TapShipBob


@pytest.fixture(scope="module")
def full():
    return sync(tap_config())


def expected_orders(sandbox, until):
    return {k.id for k in sandbox.shipbob.world.order_keys() if k.updated < until}


def test_every_order_changed_before_the_run_is_read(full):
    until = parse_moment(full.state["bookmarks"]["orders"]["done_until"])
    assert {o["id"] for o in full.records["orders"]} == expected_orders(SESSION_SANDBOX, until)


def test_shipments_come_with_their_order_and_tracking(full):
    orders = {o["id"]: o for o in full.records["orders"]}
    shipments = full.records["shipments"]
    assert shipments
    for s in shipments:
        assert s["order_id"] in orders
        assert s["id"] in orders[s["order_id"]]["shipment_ids"]
        assert s["tracking_number"] and s["carrier"] and s["location_id"] in (11, 12)
        assert isinstance(s["invoice_amount"], Decimal) and s["invoice_currency_code"] == "USD"
    shipped = Counter((p["shipment_id"]) for p in full.records["shipment_products"])
    assert set(shipped) == {s["id"] for s in shipments}


def test_primary_keys_are_unique_in_every_stream(full):
    tap = TapShipBob(config=tap_config())
    for name, records in full.records.items():
        keys = tap.streams[name].primary_keys
        seen = Counter(tuple(r[k] for k in keys) for r in records)
        assert [k for k, n in seen.items() if n > 1] == [], name
        assert all(r[k] is not None for r in records for k in keys), name


def test_every_record_carries_the_account(full):
    runs = full.records["sync_runs"]
    accounts = {r["account_id"] for name, records in full.records.items() if name != "sync_runs" for r in records}
    assert accounts == {"451207"}  # the data and the run's rows per stream
    assert [run["account_ids"] for run in runs] == [["451207"]]


def test_each_invoice_equals_its_fee_lines(full):
    lines: dict[int, Decimal] = {}
    for t in full.records["invoice_transactions"]:
        lines[t["invoice_id"]] = lines.get(t["invoice_id"], Decimal(0)) + t["amount"]
        assert t["reference_type"] and t["reference_id"] and t["transaction_fee"]
    invoices = full.records["invoices"]
    assert invoices
    for invoice in invoices:
        assert isinstance(invoice["amount"], Decimal)
        assert lines[invoice["invoice_id"]] == invoice["amount"], invoice["invoice_id"]


def test_stock_per_centre_and_per_lot_cover_every_variant(full):
    per_item = Counter()
    for level in full.records["inventory_levels"]:
        per_item[level["inventory_id"]] += level["on_hand_quantity"]
    assert {v["inventory_id"] for v in full.records["variants"]} == set(per_item)
    per_lot_item = Counter()
    for level in full.records["inventory_lot_levels"]:
        per_lot_item[level["inventory_id"]] += level["on_hand_quantity"]
    for inventory_id, on_hand in per_lot_item.items():
        assert per_item[inventory_id] == on_hand, inventory_id


def test_an_incremental_run_reads_only_the_window_since_the_bookmark(full):
    before = len(calls(SESSION_SANDBOX))
    streams = {"orders", "invoices", "products", "receiving_orders", "receiving_boxes"}
    again = sync(tap_config(lookback_window_days=0), state=full.state, streams=streams)
    made = calls(SESSION_SANDBOX)[before:]
    orders_calls = [c for c in made if c["operation"] == "get-orders"]
    assert len(orders_calls) == 1  # one step, one page: nothing changed since
    assert len(again.records["orders"]) < len(full.records["orders"])
    assert again.records["products"] == []  # the catalog has not changed since the first run
    # Boxes are read again only for WROs updated since the first run started.
    since = parse_moment(full.state["bookmarks"]["receiving_orders"]["boxes_until"])
    changed = {w["id"] for w in again.records["receiving_orders"] if parse_moment(w["last_updated_date"]) >= since}
    box_calls = [c for c in made if c["operation"] == "get-warehouse-receiving-order-boxes"]
    assert len(box_calls) == len(changed) < len(full.records["receiving_orders"])

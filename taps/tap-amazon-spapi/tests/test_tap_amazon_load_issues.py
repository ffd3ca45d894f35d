"""Documents as real sellers get them: no charset named, dates in forms no parser knows.
A value that cannot be read sets its row aside in load_issues; the rest loads."""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from spapi_sandbox import MARKETPLACES, SELLER, sync, tap_config

from sandbox.amazon.documents import SETTLEMENT
from sandbox.faults import Fault, post_faults
from sandbox.server import present_anchor

RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
ORDERS_BY_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
SETTLEMENTS = {"settlements", "settlement_lines", "load_issues"}


def test_an_undeclared_cp1252_document_is_read_with_its_text_intact(sandbox_factory):
    _, url = sandbox_factory(amazon_orders=200, days=90, time_scale=600)
    clean = sync(tap_config(url), streams={"customer_returns"})
    post_faults(url, Fault("undeclared_charset_documents", "amazon", count=100, where={"report_type": (RETURNS,)}))
    out = sync(tap_config(url), streams={"customer_returns", "load_issues"})

    comments = {r["customer_comments"] for r in out.records["customer_returns"]}
    assert {"Trop petit, déçu", "Zip broke after one use — disappointed"} <= comments
    # The same rows as when the charset is named (UTF-8 for the US; the CA document's
    # ISO-8859-1 has no em dash, so it is compared where both encodings can say it).
    assert len(out.records["customer_returns"]) == len(clean.records["customer_returns"])
    assert not out.records["load_issues"]


def test_a_settlement_line_with_an_unknown_date_is_set_aside_and_the_rest_loads(sandbox_factory, caplog):
    _, url = sandbox_factory(amazon_orders=200, days=60, time_scale=600)
    post_faults(url, Fault("unreadable_dates", "amazon", where={"report_type": (SETTLEMENT,)}))
    with caplog.at_level(logging.WARNING):
        out = sync(tap_config(url), streams=SETTLEMENTS)

    [issue] = out.records["load_issues"]
    assert issue["stream"] == "settlements"
    assert issue["report_type"] == SETTLEMENT and issue["operation"] == "getReportDocument"
    assert issue["document_id"] and issue["report_id"]
    assert issue["column_name"] == "posted-date"
    assert issue["raw_value"] == issue["raw_row"]["posted-date"]
    assert "unrecognised date" in issue["reason"]
    assert issue["row_number"] == 3  # the summary is row 1; this is the settlement's second line
    assert issue["selling_partner_id"] == SELLER and issue["marketplace_id"] in MARKETPLACES
    settlement_id = issue["raw_row"]["settlement-id"]

    lines = out.records["settlement_lines"]
    mine = {li["line_number"]: li for li in lines if li["settlement_id"] == settlement_id}
    assert 2 not in mine and {1, 3} <= set(mine)  # numbers stay positions: the others keep their keys
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line["settlement_id"]] += line["amount"] or Decimal(0)
    totals[settlement_id] += Decimal(issue["raw_row"]["amount"])  # the line set aside, as it came
    for settlement in out.records["settlements"]:
        assert totals[settlement["settlement_id"]] == settlement["total_amount"]

    summary = [r.getMessage() for r in caplog.records if "set aside" in r.getMessage() and "(" in r.getMessage()]
    assert summary == [
        "1 row set aside with values that could not be read (settlements: 1): select * from warehouse.load_issues"
    ]

    # Read again, the same row is the same issue (its key), and the run still completes.
    again = sync(tap_config(url), streams=SETTLEMENTS, state=out.state)
    assert [i["issue_id"] for i in again.records["load_issues"]] in ([], [issue["issue_id"]])


def test_an_orders_row_with_an_unknown_date_is_set_aside_and_its_order_still_loads_from_others(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=150, days=60, time_scale=600)
    post_faults(url, Fault("unreadable_dates", "amazon", where={"report_type": (ORDERS_BY_UPDATE,)}))
    out = sync(tap_config(url), streams={"orders", "order_items", "load_issues"})
    [issue] = out.records["load_issues"]
    assert issue["stream"] == "orders" and issue["column_name"] == "purchase-date"
    # Personal columns are not kept when pii is off.
    assert "ship-city" not in issue["raw_row"] and issue["raw_row"]["amazon-order-id"]
    items = {(i["amazon_order_id"], i["sku"]) for i in out.records["order_items"]}
    assert (issue["raw_row"]["amazon-order-id"], issue["raw_row"]["sku"]) not in items
    expected = {f.order_id for f in sandbox.amazon.world.seller.orders}
    orders = {o["amazon_order_id"] for o in out.records["orders"]}
    assert orders <= expected and len(expected - orders) <= 1


def test_a_search_orders_order_with_an_unknown_date_is_set_aside_with_its_items(sandbox_factory, caplog):
    _, url = sandbox_factory(amazon_orders=300, days=30, time_scale=600, anchor=present_anchor())
    post_faults(url, Fault("unreadable_order_dates", "amazon"))
    with caplog.at_level(logging.WARNING):
        out = sync(tap_config(url), streams={"orders", "order_items", "load_issues"})

    [issue] = out.records["load_issues"]
    assert (issue["stream"], issue["operation"], issue["row_number"]) == ("orders", "searchOrders", 1)
    assert issue["report_id"] is None and issue["document_id"] is None
    assert issue["column_name"] == "createdTime" and issue["raw_value"].count("/") == 2
    assert "unrecognised date" in issue["reason"] and issue["marketplace_id"] in MARKETPLACES
    order_id = issue["raw_row"]["orderId"]
    assert issue["raw_row"]["orderItems"]  # the order as it came, items included
    assert "buyer" not in issue["raw_row"] and "recipient" not in issue["raw_row"]  # pii is off

    # The order's API record and its items are held back; every other order of the listing loads.
    api_orders = {o["amazon_order_id"] for o in out.records["orders"] if o["source"] == "api"}
    api_items = {i["amazon_order_id"] for i in out.records["order_items"] if i["source"] == "api"}
    assert api_orders and order_id not in api_orders and order_id not in api_items
    assert api_items <= api_orders
    summary = [r.getMessage() for r in caplog.records if "set aside with values" in r.getMessage()]
    assert summary == [
        "1 row set aside with values that could not be read (orders: 1): select * from warehouse.load_issues"
    ]


def test_an_inventory_summary_with_an_unreadable_quantity_is_set_aside_and_the_rest_loads(sandbox_factory):
    _, url = sandbox_factory(amazon_orders=50, days=10, time_scale=600)
    inventory = {"fba_inventory", "load_issues"}
    clean = sync(tap_config(url), streams=inventory)
    post_faults(url, Fault("unreadable_inventory_quantities", "amazon"))
    out = sync(tap_config(url), streams=inventory)

    [issue] = out.records["load_issues"]
    assert (issue["stream"], issue["operation"], issue["row_number"]) == ("fba_inventory", "getInventorySummaries", 1)
    assert issue["column_name"] == "totalQuantity" and issue["raw_value"].endswith(" units")
    assert "whole number" in issue["reason"] and issue["marketplace_id"] in MARKETPLACES
    held = (issue["marketplace_id"], issue["raw_row"]["sellerSku"])
    keys = {(r["marketplace_id"], r["seller_sku"]) for r in clean.records["fba_inventory"]}
    assert held in keys
    assert {(r["marketplace_id"], r["seller_sku"]) for r in out.records["fba_inventory"]} == keys - {held}

"""Personal data is extracted only when `pii` is true, and then through Restricted Data Tokens."""

from __future__ import annotations

from spapi_sandbox import calls, sync, tap_config
from tap_amazon_spapi.streams.fulfillment import FbaShipmentsStream
from tap_amazon_spapi.streams.orders import ORDER_PERSONAL

from sandbox.server import present_anchor

STREAMS = {"orders", "order_items", "fba_shipments"}
SHIPMENT_PERSONAL = {name.replace("-", "_") for name in FbaShipmentsStream.PERSONAL}


def test_without_pii_no_personal_column_is_declared_or_emitted(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=80, days=30, time_scale=600, anchor=present_anchor())
    out = sync(tap_config(url), streams=STREAMS)
    assert out.records["fba_shipments"] and out.records["orders"]
    for stream, personal in (("fba_shipments", SHIPMENT_PERSONAL), ("orders", set(ORDER_PERSONAL))):
        assert not personal & set(out.schemas[stream]["properties"]), stream
        for record in out.records[stream]:
            assert not personal & set(record), stream
    assert not calls(sandbox, "createRestrictedDataToken")


def test_with_pii_personal_columns_arrive_through_restricted_tokens(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=80, days=30, time_scale=600, anchor=present_anchor())
    out = sync(tap_config(url, pii=True), streams=STREAMS)
    shipments = out.records["fba_shipments"]
    assert all(s["buyer_email"] and s["ship_city"] for s in shipments)
    api_orders = [o for o in out.records["orders"] if o["source"] == "api"]
    assert api_orders and all(o["buyer_name"] for o in api_orders)
    assert calls(sandbox, "createRestrictedDataToken")

"""The Amazon seller's data: deterministic, exact, and cheap at 10,000+ orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sandbox.amazon.data import generate_seller, render
from sandbox.amazon.ledger import Ledger, amounts
from sandbox.catalog import CATALOG

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)


def test_same_seed_same_seller_other_seed_other_seller():
    one = generate_seller(seed=7, orders=50, anchor=ANCHOR)
    again = generate_seller(seed=7, orders=50, anchor=ANCHOR)
    other = generate_seller(seed=8, orders=50, anchor=ANCHOR)
    assert one.orders == again.orders
    assert [render(o) for o in one.orders] == [render(o) for o in again.orders]
    assert [o.order_id for o in one.orders] != [o.order_id for o in other.orders]


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({"orders": -1}, "amazon_orders"),
        ({"marketplace_ids": ()}, "amazon_marketplaces"),
        ({"marketplace_ids": ("A1PA6795UKMFR9",)}, "amazon_marketplaces"),
    ],
)
def test_bad_options_name_the_setting(options, setting):
    with pytest.raises(ValueError, match=setting):
        generate_seller(**options)


def test_ten_thousand_orders_over_two_years_stay_exact():
    seller = generate_seller(orders=10_000, days=730, anchor=ANCHOR)
    assert len(seller.by_id) == 10_000  # unique 3-7-7 ids
    assert seller.orders[0].purchased >= ANCHOR - timedelta(days=730)
    skus = {item.sku for item in CATALOG}
    for fact in seller.orders[::97]:
        order = render(fact)
        assert {line.item.sku for line in order.lines} <= skus
        for line in order.lines:
            for value in (line.principal, line.tax, line.shipping, line.promotion, line.commission):
                assert value.as_tuple().exponent == -2  # cents, never float noise
    ledger = Ledger(seller)
    periods = list(ledger.periods(ANCHOR))
    assert len(periods) >= 2 * 52
    period = periods[len(periods) // 3]
    lines = [a.amount for p in ledger.in_period(period) for a in amounts(p)]
    assert lines and sum(lines, Decimal("0")) == ledger.period_total(period)

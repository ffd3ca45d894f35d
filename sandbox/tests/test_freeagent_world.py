"""The bank feed agrees with the channels, to the cent, read over real HTTP from all three APIs:
each Shopify payout (Admin GraphQL) and Amazon settlement (Finances) arrives as a deposit in the
account of its currency 1 to 3 business days after it was sent, except the planted cases, which
are exactly as planted; a deposit served a cent off is seen."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from sandbox.freeagent.feed import FX_RATE, label
from sandbox.server import Sandbox, SandboxOptions
from sandbox.tests.amazon_client import SPAPI, http
from sandbox.tests.freeagent_client import FreeAgent, ident, serve

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
PAYOUTS = """query($after: String) { shopifyPaymentsAccount { payouts(first: 100, after: $after) {
  nodes { legacyResourceId issuedAt externalTraceId net { amount currencyCode } }
  pageInfo { hasNextPage endCursor } } } }"""


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=150, amazon_orders=120, days=90, anchor=ANCHOR, shipbob=False) as served:
        yield served


def shopify_payouts(base: str, domain: str) -> list[dict[str, Any]]:
    out, after = [], None
    while True:
        body = json.dumps({"query": PAYOUTS, "variables": {"after": after}}).encode()
        headers = {"Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_sandbox"}
        reply = http("POST", f"{base}/shops/{domain}/admin/api/2026-10/graphql.json", body, headers)
        page = json.loads(reply.raw, parse_float=Decimal)["data"]["shopifyPaymentsAccount"]["payouts"]
        out += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def channel_payouts(sandbox, base: str) -> dict[tuple[str, str, str], tuple[str, Decimal, date, str]]:
    """(channel, source, id) -> (currency, amount, day sent, reference), as the channels' APIs say."""
    out = {}
    for domain in sandbox.shopify.shops:
        for p in shopify_payouts(base, domain):
            amount = Decimal(p["net"]["amount"])
            if amount:
                sent = datetime.fromisoformat(p["issuedAt"].replace("Z", "+00:00")).date()
                key = ("shopify", domain, p["legacyResourceId"])
                out[key] = (p["net"]["currencyCode"], amount, sent, p["externalTraceId"])
    amazon = SPAPI(base).login()
    groups = json.loads(amazon.get("/finances/v0/financialEventGroups", MaxResultsPerPage=100).raw, parse_float=Decimal)
    for group in groups["payload"]["FinancialEventGroupList"]:
        total = Decimal(str(group["OriginalTotal"]["CurrencyAmount"]))
        if group["ProcessingStatus"] == "Closed" and total:
            period = sandbox.amazon.world.ledger.period_by_group(
                group["FinancialEventGroupId"], sandbox.amazon.world.now()
            )
            sent = datetime.fromisoformat(group["FundTransferDate"].replace("Z", "+00:00")).date()
            key = ("amazon", period.marketplace_id, period.settlement_id)
            out[key] = (group["OriginalTotal"]["CurrencyCode"], total, sent, group["TraceId"])
    return out


def feed(client: FreeAgent) -> dict[str, list[dict[str, Any]]]:
    return {
        c: client.every("bank_transactions", bank_account=url, per_page=100) for c, url in client.account_urls().items()
    }


def business_days(start: date, end: date) -> int:
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        days += current.weekday() < 5
    return days


def test_every_channel_payout_has_its_fate_and_the_fates_are_the_channels(served):
    sandbox, client = served
    payouts = channel_payouts(sandbox, client.base)
    world = sandbox.freeagent.world
    assert {f.payout.key for f in world.fates} == set(payouts)
    assert {p[0] for p in payouts.values()} == {"USD", "CAD"}
    assert set(client.account_urls()) == {"GBP", "USD", "CAD"}
    for fate in world.fates:
        currency, amount, sent, reference = payouts[fate.payout.key]
        assert (fate.payout.currency, fate.payout.amount, fate.payout.sent_on, fate.payout.reference) == (
            currency,
            amount,
            sent,
            reference,
        )
        assert 1 <= business_days(sent, fate.expected_on) <= 3 and fate.expected_on.weekday() < 5
    cases = {f.case for f in world.fates}
    assert {"deposited", "combined", "missing", "other_account", "same_amount", "reversed"} <= cases


def test_deposits_agree_with_the_payouts_to_the_cent(served):
    sandbox, client = served
    payouts = channel_payouts(sandbox, client.base)
    world = sandbox.freeagent.world
    transactions = feed(client)
    by_id = {ident(t["url"]): (currency, t) for currency, ts in transactions.items() for t in ts}
    carried: set[int] = set()
    for fate in world.fates:
        currency, amount, _sent, reference = payouts[fate.payout.key]
        payer = f"{label(fate.payout)} {reference}"
        found = [(c, t) for c, t in by_id.values() if payer in t["description"] and "+" not in t["description"]]
        if fate.case in ("deposited", "same_amount"):
            [(account, txn)] = found
            assert (account, Decimal(txn["amount"]), txn["dated_on"]) == (
                currency,
                amount,
                fate.expected_on.isoformat(),
            )
            carried.add(ident(txn["url"]))
        elif fate.case == "in_transit":
            assert not found and fate.expected_on >= world.today()
        elif fate.case == "missing":
            assert not found
            assert not any(Decimal(t["amount"]) == amount for c, t in by_id.values() if c == currency)
    for txn_id in carried:
        assert by_id[txn_id][1]["dated_on"] < world.today().isoformat()
    # Nothing else comes into the channel currencies' accounts but the planted extras.
    planted = {i for f in world.fates if f.case != "deposited" for i in f.transaction_ids}
    planted |= {f.decoy.id for f in world.fates if f.decoy}
    foreign = {ident(t["url"]) for c, ts in transactions.items() if c != "GBP" for t in ts}
    assert foreign == (carried | planted) - {i for f in world.planted()["other_account"] for i in f.transaction_ids}


def test_the_planted_cases_are_exactly_as_planted(served):
    sandbox, client = served
    world = sandbox.freeagent.world
    by_id = {ident(t["url"]): (c, t) for c, ts in feed(client).items() for t in ts}
    planted = world.planted()

    first, second = planted["combined"]
    assert first.payout.source == second.payout.source and first.transaction_ids == second.transaction_ids
    [(currency, combined)] = [by_id[i] for i in first.transaction_ids]
    assert currency == first.payout.currency
    assert Decimal(combined["amount"]) == first.payout.amount + second.payout.amount
    assert combined["dated_on"] == second.expected_on.isoformat()

    [missing] = planted["missing"]
    assert missing.payout.channel == "amazon" and missing.transaction_ids == ()
    assert missing.expected_on < world.today()

    [moved] = planted["other_account"]
    [(currency, converted)] = [by_id[i] for i in moved.transaction_ids]
    assert moved.payout.currency == "USD" and currency == "GBP"
    assert Decimal(converted["amount"]) == (moved.payout.amount * FX_RATE).quantize(Decimal("0.01"))

    [twin] = planted["same_amount"]
    [(currency, real)] = [by_id[i] for i in twin.transaction_ids]
    decoy_currency, decoy = by_id[twin.decoy.id]
    assert currency == decoy_currency == twin.payout.currency
    assert Decimal(real["amount"]) == Decimal(decoy["amount"]) == twin.payout.amount
    assert twin.payout.reference in real["description"] and twin.payout.reference not in decoy["description"]
    assert business_days(date.fromisoformat(real["dated_on"]), date.fromisoformat(decoy["dated_on"])) == 1

    [reversed_] = planted["reversed"]
    deposit, reversal = (by_id[i][1] for i in reversed_.transaction_ids)
    assert Decimal(deposit["amount"]) == reversed_.payout.amount == -Decimal(reversal["amount"])
    assert reversal["dated_on"] > deposit["dated_on"]
    assert len({f.payout.key for fates in planted.values() for f in fates}) == 6  # no payout planted twice


def test_a_deposit_a_cent_off_is_served_and_reported(served):
    sandbox, client = served
    world = sandbox.freeagent.world
    reply = http(
        "POST", client.base + "/_sandbox/faults", json.dumps({"api": "freeagent", "kind": "cent_off_deposits"}).encode()
    )
    assert json.loads(reply.raw)["fired"]["freeagent"] == {"cent_off_deposits": 1}
    [moved] = sandbox.freeagent.cent_off_ids()
    fate = next(f for f in world.fates if f.transaction_ids == (moved,))
    txn = client.ok(f"bank_transactions/{moved}")["bank_transaction"]
    assert Decimal(txn["amount"]) == fate.payout.amount + Decimal("0.01")
    assert Decimal(txn["unexplained_amount"]) == 0 or not txn["bank_transaction_explanations"]
    bad = http("POST", client.base + "/_sandbox/faults", json.dumps({"api": "freeagent", "kind": "cent_off"}).encode())
    assert bad.status == 400


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_every_planted_transaction_is_in_the_feed_whatever_the_seed(seed):
    sandbox = Sandbox(SandboxOptions(seed=seed, shopify_orders=60, amazon_orders=40, days=45, anchor=ANCHOR))
    assert sandbox.freeagent is not None
    world = sandbox.freeagent.world
    planted = world.planted()
    assert all(planted[case] for case in planted), {case: len(f) for case, f in planted.items()}
    for fate in world.fates:
        for entry in [*fate.entries, *([fate.decoy] if fate.decoy else [])]:
            assert entry.id in world.transactions and entry.dated_on < world.today()
            assert world.transactions[entry.id].amount == entry.amount

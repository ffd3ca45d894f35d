"""FreeAgent's resources over real HTTP: documented shapes, Link-header paging, exact filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from sandbox.freeagent.wire import stamp
from sandbox.tests.freeagent_client import check_record, ident, links, parse, serve

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
LISTS = ("users", "bank_accounts", "contacts", "invoices", "credit_notes", "bills")


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=120, amazon_orders=60, days=75, anchor=ANCHOR, shipbob=False) as served:
        yield served


def test_every_list_pages_through_link_headers_with_documented_records(served):
    sandbox, client = served
    world = sandbox.freeagent.world
    for resource in LISTS:
        items = client.every(resource, per_page=3)
        assert items, resource
        assert len({i["url"] for i in items}) == len(items), f"{resource}: an item served twice"
    for currency, url in client.account_urls().items():
        transactions = client.every("bank_transactions", bank_account=url, per_page=7)
        account = world.account_by_currency[currency]
        assert [ident(t["url"]) for t in transactions] == sorted(
            t.id for t in world.transactions.values() if t.bank_account_id == account.id
        )
        explanations = client.every("bank_transaction_explanations", bank_account=url, per_page=7)
        embedded = [e["url"] for t in transactions for e in t["bank_transaction_explanations"]]
        assert sorted(e["url"] for e in explanations) == sorted(embedded)


def test_single_reads_company_and_categories_are_documented_shapes(served):
    _, client = served
    check_record("company", client.ok("company")["company"], client.base)
    assert client.ok("company")["company"]["currency"] == "GBP"
    categories = client.ok("categories")
    assert set(categories) == {
        "admin_expenses_categories",
        "cost_of_sales_categories",
        "income_categories",
        "general_categories",
    }
    sales = client.ok("categories/001")["category"]
    check_record("categories", sales, client.base)
    assert sales["description"] == "Sales"
    assert client.ok("users/me")["user"] == client.ok("users/1")["user"]
    invoice = client.every("invoices")[0]
    single = client.ok(f"invoices/{ident(invoice['url'])}")["invoice"]
    assert single["invoice_items"] and "invoice_items" not in invoice  # items only when asked for in lists
    check_record("invoices", single, client.base)
    listed = client.every("invoices", nested_invoice_items="true")
    assert all(i["invoice_items"] for i in listed)
    for invoice in listed:
        items = invoice["invoice_items"]
        net = sum(Decimal(i["quantity"]) * Decimal(i["price"]) for i in items)
        assert net == Decimal(invoice["net_value"])
        assert Decimal(invoice["net_value"]) + Decimal(invoice["sales_tax_value"]) == Decimal(invoice["total_value"])
    for bill in client.every("bills"):
        items_total = sum(Decimal(i["total_value"]) for i in bill["bill_items"])
        assert items_total == Decimal(bill["total_value"])
    assert all(Decimal(c["total_value"]) < 0 for c in client.every("credit_notes", nested_credit_note_items="true"))


def test_paging_headers_and_limits(served):
    _, client = served
    url = client.account_urls()["USD"]
    reply = client.get("bank_transactions", bank_account=url, per_page=5, page=2)
    total = int(reply.headers["x-total-count"])
    rels = links(reply)
    assert set(rels) == {"prev", "first", "next", "last"}
    assert "page=1" in rels["first"] and "page=3" in rels["next"] and "per_page=5" in rels["last"]
    assert f"page={-(-total // 5)}" in rels["last"]
    assert rels["next"].startswith(client.base + "/v2/bank_transactions?bank_account=")
    capped = client.get("bank_transactions", bank_account=url, per_page=500)
    assert len(parse(capped)["bank_transactions"]) == min(total, 100)
    default = client.get("bank_transactions", bank_account=url)
    assert len(parse(default)["bank_transactions"]) == min(total, 25)
    beyond = client.get("bank_transactions", bank_account=url, page=999)
    assert parse(beyond)["bank_transactions"] == [] and "next" not in links(beyond)
    one_page = client.get("contacts", per_page=100)
    assert "link" not in one_page.headers and one_page.headers["x-total-count"] == "8"


def test_date_and_update_filters_are_exact(served):
    sandbox, client = served
    world = sandbox.freeagent.world
    url = client.account_urls()["GBP"]
    account = world.account_by_currency["GBP"].id
    ours = [t for t in world.transactions.values() if t.bank_account_id == account]
    low, high = sorted({t.dated_on for t in ours})[5], sorted({t.dated_on for t in ours})[-5]
    dated = client.every("bank_transactions", bank_account=url, from_date=low.isoformat(), to_date=high.isoformat())
    assert {ident(t["url"]) for t in dated} == {t.id for t in ours if low <= t.dated_on <= high}
    assert (
        min(t["dated_on"] for t in dated) == low.isoformat() and max(t["dated_on"] for t in dated) == high.isoformat()
    )
    cut = sorted(t.updated_at for t in ours)[len(ours) // 2]
    since = client.every("bank_transactions", bank_account=url, updated_since=stamp(cut))
    assert {ident(t["url"]) for t in since} == {t.id for t in ours if t.updated_at >= cut}
    after = client.every("bank_transactions", bank_account=url, updated_since=stamp(cut + timedelta(seconds=1)))
    assert len(after) == len(since) - sum(1 for t in ours if t.updated_at == cut)
    explained = client.every("bank_transactions", bank_account=url, view="explained")
    unexplained = client.every("bank_transactions", bank_account=url, view="unexplained")
    assert all(Decimal(t["unexplained_amount"]) == 0 for t in explained)
    assert all(Decimal(t["unexplained_amount"]) != 0 for t in unexplained)
    assert len(explained) + len(unexplained) == len(ours)
    bills = client.every("bills", from_date=low.isoformat(), to_date=high.isoformat())
    assert {ident(b["url"]) for b in bills} == {b.id for b in world.books.bills if low <= b.dated_on <= high}
    paid = client.every("bills", view="paid")
    assert paid and all(b["status"] == "Paid" and b["paid_on"] for b in paid)
    invoices = client.every("invoices", updated_since=stamp(cut))
    assert {ident(i["url"]) for i in invoices} == {i.id for i in world.books.invoices if i.updated_at >= cut}
    newest = client.every("invoices", sort="-updated_at")
    assert [i["updated_at"] for i in newest] == sorted((i["updated_at"] for i in newest), reverse=True)


def test_bad_requests_answer_in_freeagents_error_shape(served):
    _, client = served
    missing = client.get("bank_transactions")
    assert missing.status == 400 and parse(missing) == {"errors": {"error": {"message": "bank_account is required"}}}
    unknown = client.get("bank_transactions", bank_account=client.base + "/v2/bank_accounts/99")
    assert unknown.status == 404 and "message" in parse(unknown)["errors"]["error"]
    bad_date = client.get("bills", from_date="01/02/2026")
    assert bad_date.status == 400 and "from_date" in parse(bad_date)["errors"]["error"]["message"]
    assert client.get("invoices/999999").status == 404


def test_the_feed_stops_before_the_present_and_every_amount_is_exact(served):
    sandbox, client = served
    today = sandbox.freeagent.world.today()
    assert today == date(2026, 6, 1)
    for url in client.account_urls().values():
        for txn in client.every("bank_transactions", bank_account=url, per_page=100):
            assert txn["dated_on"] < today.isoformat()
            assert txn["created_at"] < stamp(ANCHOR) and txn["updated_at"] <= stamp(ANCHOR)
            explained = sum((Decimal(e["gross_value"]) for e in txn["bank_transaction_explanations"]), Decimal(0))
            assert Decimal(txn["amount"]) - explained == Decimal(txn["unexplained_amount"])

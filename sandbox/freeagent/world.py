"""The books as FreeAgent holds them: accounts, the numbered bank feed, explanations, documents.

Built once from the channels' payouts (see `feed`) and the ordinary business (see `books`), as of
`present` (the sandbox's start): the feed holds what the bank showed before that day. A transaction
is imported the morning after its date; it is explained some days later, unless that is still in
the future (then it is unexplained). Ids follow the order things happened.

In-process only (never in the API answers): `fates` says what became of every payout, `planted`
names the planted cases, and `cent_off` moves deposits a cent (a fault reconciliation tests must
see fail).
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from .books import NATIVE, Books, build_books
from .channels import ChannelPayout
from .feed import Entry, Fate, channel_feed, planted
from .models import BankAccount, BankTransaction, Document, Explanation
from .wire import CENT

OPENING_BALANCE = {"GBP": Decimal("12500.00")}
_ACCOUNT_NAMES = {"GBP": "Business Current Account", "USD": "USD Account", "EUR": "EUR Account", "CAD": "CAD Account"}


class World:
    def __init__(self, payouts: list[ChannelPayout], seed: int, present: datetime, days: int) -> None:
        self.present = present
        self.seed = seed
        self.start = (present - timedelta(days=days + 14)).date()
        today = present.date()
        self.fates: list[Fate] = channel_feed(payouts, seed, today)
        self.books: Books = build_books(seed, self.start, present)
        currencies = [NATIVE, *sorted({p.currency for p in payouts} - {NATIVE})]
        created = datetime.combine(self.start - timedelta(days=30), time(10), UTC)
        self.accounts = [
            BankAccount(
                number,
                _ACCOUNT_NAMES.get(currency, f"{currency} Account"),
                currency,
                currency == NATIVE,
                "Stratus Bank",
                f"{41_000_000 + number:08d}",
                "60-83-71",
                f"GB{number:02d}STRA60837141{number:06d}",
                "STRAGB2L",
                OPENING_BALANCE.get(currency, Decimal("0.00")),
                created,
                created,
            )
            for number, currency in enumerate(currencies, 1)
        ]
        self.account_by_currency = {a.currency: a for a in self.accounts}
        self.transactions: dict[int, BankTransaction] = {}
        self.explanations: dict[int, Explanation] = {}
        self._entries: dict[int, Entry] = {}
        self._lock = threading.Lock()
        self._number(self._entries_in_feed(), random.Random(f"{seed}:freeagent:feed-times"))

    # -- building ----------------------------------------------------------------

    def _entries_in_feed(self) -> list[Entry]:
        entries: list[Entry] = []
        seen: set[int] = set()
        for fate in self.fates:
            for entry in [*fate.entries, *([fate.decoy] if fate.decoy else [])]:
                if id(entry) not in seen:  # a combined deposit carries two payouts
                    seen.add(id(entry))
                    entries.append(entry)
        for payment in self.books.payments:
            entries.append(
                Entry(
                    NATIVE,
                    payment.dated_on,
                    payment.amount,
                    payment.description,
                    payment.kind,
                    payment.category,
                    payment.document,
                    explain_after_days=2,
                )
            )
        today = self.present.date()
        kept = [e for e in entries if e.dated_on < today and e.account in self.account_by_currency]
        return sorted(kept, key=lambda e: (e.dated_on, e.account, e.description, e.amount))

    def _number(self, entries: list[Entry], rng: random.Random) -> None:
        explanation_id = 0
        for number, entry in enumerate(entries, 1):
            entry.id = number
            account = self.account_by_currency[entry.account]
            imported = datetime.combine(entry.dated_on + timedelta(days=1), time(5), UTC)
            imported = min(imported + timedelta(minutes=rng.randrange(0, 90)), self.present - timedelta(seconds=1))
            txn = BankTransaction(
                number,
                account.id,
                entry.dated_on,
                entry.amount,
                entry.description,
                f"FIT{self.seed % 1000:03d}{number:07d}",
                imported,
                imported,
            )
            explained_at = imported + timedelta(days=entry.explain_after_days, hours=rng.randrange(1, 9))
            if entry.explain is not None and explained_at < self.present:
                explanation_id += 1
                document = entry.document if isinstance(entry.document, Document) else None
                self.explanations[explanation_id] = Explanation(
                    explanation_id,
                    number,
                    account.id,
                    entry.explain,
                    entry.dated_on,
                    entry.amount,
                    entry.description,
                    None if document else entry.category,
                    paid_invoice=document.id if document and document.kind == "invoice" else None,
                    paid_bill=document.id if document and document.kind == "bill" else None,
                )
                txn.explanations.append(explanation_id)
                txn.updated_at = explained_at
                if document is not None:
                    document.paid_on, document.payment_id = entry.dated_on, explanation_id
                    document.updated_at = explained_at
            self.transactions[number] = txn
            self._entries[number] = entry
            account.updated_at = max(account.updated_at, txn.updated_at)

    # -- questions tests ask --------------------------------------------------------

    def planted(self) -> dict[str, list[Fate]]:
        return planted(self.fates)

    def fate(self, channel: str, source: str, payout_id: str) -> Fate:
        return next(f for f in self.fates if f.payout.key == (channel, source, payout_id))

    def cent_off(self, count: int, when: datetime) -> list[int]:
        """Move the `count` most recent plain deposits a cent up (as of `when`); their ids."""
        with self._lock:
            plain = [f.entries[0].id for f in self.fates if f.case == "deposited" and f.entries]
            chosen = [i for i in reversed(plain) if self.transactions[i].amount == self._entries[i].amount][:count]
            for number in chosen:
                txn = self.transactions[number]
                txn.amount += CENT
                txn.updated_at = max(txn.updated_at, when)
                for explanation_id in txn.explanations:
                    self.explanations[explanation_id].gross_value += CENT
            return chosen

    def cent_off_ids(self) -> list[int]:
        with self._lock:
            return sorted(n for n, t in self.transactions.items() if t.amount != self._entries[n].amount)

    # -- what the API reads ------------------------------------------------------------

    def unexplained(self, txn: BankTransaction) -> Decimal:
        return txn.amount - sum((self.explanations[e].gross_value for e in txn.explanations), Decimal("0.00"))

    def documents(self, kind: str) -> list[Document]:
        return {"invoice": self.books.invoices, "credit_note": self.books.credit_notes, "bill": self.books.bills}[kind]

    def today(self) -> date:
        return self.present.date()

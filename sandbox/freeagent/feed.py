"""The bank feed's channel money: a deposit for each payout and settlement, plus the planted messy cases.

Each payout reaches the account of its currency 1 to 3 business days after the channel sent it
(weekends skipped). One payout of each kind below is planted, drawn from the seed among those that
have arrived by the books' present (a world too small for one simply goes without it):

- `combined`: two consecutive payouts of one Shopify shop arrive as ONE deposit of their sum;
- `missing`: an Amazon settlement never arrives;
- `other_account`: a USD payout lands in the GBP current account, converted at `FX_RATE`;
- `same_amount`: beside a payout's real deposit, an unrelated deposit of the very same amount
  arrives in the same account the next business day;
- `reversed`: a payout's deposit arrives and the bank reverses it the next business day.

Every other payout is `deposited`, or `in_transit` when its bank day is not before the present.
`Fate` records, per payout, which case it is in and which entries carry it: tests ask the world,
never the API answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .calendar import add_business_days
from .channels import AMAZON, SHOPIFY, ChannelPayout
from .wire import CENT

FX_RATE = Decimal("0.7850")  # GBP per USD for the payout that lands in the GBP account
BANK_DELAY = (1, 3)  # business days between a channel sending money and the bank showing it
CASES = ("combined", "missing", "other_account", "same_amount", "reversed")


@dataclass
class Entry:
    """One bank transaction before ids are given: where, when, how much, and how it is explained."""

    account: str  # the account's currency (GBP is the current account)
    dated_on: date
    amount: Decimal
    description: str
    explain: str | None = None  # explanation type, or None: left unexplained
    category: str | None = None
    document: object | None = None  # the invoice or bill it pays
    explain_after_days: int = 7
    id: int = 0  # given when the feed is numbered


@dataclass
class Fate:
    payout: ChannelPayout
    case: str  # deposited | in_transit | combined | missing | other_account | same_amount | reversed
    expected_on: date  # the bank day the payout arrives (or would have)
    entries: list[Entry] = field(default_factory=list)  # the deposit (reversed: deposit, reversal)
    decoy: Entry | None = None  # same_amount: the unrelated deposit of the same amount

    @property
    def transaction_ids(self) -> tuple[int, ...]:
        return tuple(e.id for e in self.entries)


def label(payout: ChannelPayout) -> str:
    """Who sends it, as the bank statement names the payer: the shop (each shop numbers its payouts
    from the same base, so the reference alone is not unique) or Amazon's marketplace."""
    if payout.channel == SHOPIFY:
        return f"SHOPIFY {payout.source.split('.', 1)[0].upper()}"
    return f"AMAZON {payout.source}"


def _describe(payout: ChannelPayout) -> str:
    return f"{label(payout)} {payout.reference}"


def channel_feed(payouts: list[ChannelPayout], seed: int, today: date) -> list[Fate]:
    """The fate of every payout, with the entries the bank shows for it."""
    rng = random.Random(f"{seed}:freeagent:feed")
    fates = []
    for payout in payouts:
        expected = add_business_days(payout.sent_on, rng.randint(*BANK_DELAY))
        case = "deposited" if expected < today else "in_transit"
        fates.append(Fate(payout, case, expected))
    arrived = [f for f in fates if f.case == "deposited"]
    _plant(arrived, rng, today)
    for fate in fates:
        if fate.case in ("deposited", "same_amount", "reversed") and not fate.entries:
            fate.entries.append(_deposit(fate))
        if fate.case == "same_amount":
            fate.decoy = Entry(
                fate.payout.currency,
                add_business_days(fate.expected_on, 1),
                fate.payout.amount,
                "FASTER PAYMENT RECEIVED REF REFUND 0042",
            )
        if fate.case == "reversed":
            first = fate.entries[0]
            fate.entries.append(
                Entry(
                    first.account, add_business_days(first.dated_on, 1), -first.amount, f"REVERSAL {first.description}"
                )
            )
    return fates


def _deposit(fate: Fate) -> Entry:
    explain = "Payment" if fate.case == "deposited" else None
    return Entry(fate.payout.currency, fate.expected_on, fate.payout.amount, _describe(fate.payout), explain, "001")


def _plant(arrived: list[Fate], rng: random.Random, today: date) -> None:
    """Pick one payout for each planted case (none is picked twice)."""
    taken: set[int] = set()

    def pick(candidates: list[int]) -> int | None:
        free = [i for i in candidates if i not in taken]
        if not free:
            return None
        chosen = rng.choice(free)
        taken.add(chosen)
        return chosen

    shopify = [i for i, f in enumerate(arrived) if f.payout.channel == SHOPIFY and f.payout.amount > 0]
    amazon = [i for i, f in enumerate(arrived) if f.payout.channel == AMAZON and f.payout.amount > 0]
    # combined: a payout and the same shop's next one, both positive and not yet taken.
    pairs = []
    for i in shopify:
        nxt = next((j for j in shopify if j > i and arrived[j].payout.source == arrived[i].payout.source), None)
        if nxt is not None:
            pairs.append((i, nxt))
    if pairs:
        first, second = rng.choice(pairs)
        taken.update((first, second))
        a, b = arrived[first], arrived[second]
        a.case = b.case = "combined"
        entry = Entry(
            b.payout.currency,
            b.expected_on,
            a.payout.amount + b.payout.amount,
            f"{label(a.payout)} {a.payout.reference}+{b.payout.reference[5:]}",
        )
        a.entries.append(entry)
        b.entries.append(entry)
    chosen = pick(amazon)
    if chosen is not None:
        arrived[chosen].case = "missing"
    usd = [i for i in shopify + amazon if arrived[i].payout.currency == "USD"]
    chosen = pick(usd)
    if chosen is not None:
        fate = arrived[chosen]
        fate.case = "other_account"
        converted = (fate.payout.amount * FX_RATE).quantize(CENT)
        fate.entries.append(Entry("GBP", fate.expected_on, converted, _describe(fate.payout)))
    # The decoy and the reversal come a business day after the deposit: that day must be past too.
    settled = {i for i, f in enumerate(arrived) if add_business_days(f.expected_on, 1) < today}
    for case in ("same_amount", "reversed"):
        chosen = pick([i for i in (amazon if case == "same_amount" else shopify) if i in settled])
        if chosen is not None:
            arrived[chosen].case = case


def planted(fates: list[Fate]) -> dict[str, list[Fate]]:
    """The planted cases, by name (`combined` holds its two payouts)."""
    return {case: [f for f in fates if f.case == case] for case in CASES}

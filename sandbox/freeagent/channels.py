"""The money the sales channels send the seller's bank: the one place the books read the other stand-ins.

- Shopify: each Shopify Payments payout issued by the shop's present (`shopifyPaymentsAccount.payouts`),
  its `net` in the shop's currency, sent on its `issuedAt` day, referenced by its `externalTraceId`.
- Amazon: each closed settlement period (financial event group) with a non-zero total, in the
  marketplace's currency, sent on its `FundTransferDate`, referenced by its `TraceId`.

A payout of zero moves no money and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sandbox.amazon.api import AmazonAPI
from sandbox.amazon.data import MARKETPLACES
from sandbox.shopify.api import ShopifyAPI
from sandbox.shopify.ledger import PAYOUT_ID_BASE

SHOPIFY, AMAZON = "shopify", "amazon"


@dataclass(frozen=True)
class ChannelPayout:
    channel: str  # shopify | amazon
    source: str  # the shop's domain, or the marketplace id
    payout_id: str  # Shopify payout legacy id; Amazon settlement id
    currency: str
    amount: Decimal  # what the channel sends (negative: it takes money back)
    sent_on: date
    reference: str  # what the channel calls the transfer (externalTraceId / TraceId)

    @property
    def key(self) -> tuple[str, str, str]:
        """Unique across the sandbox: each shop numbers its payouts from the same base."""
        return self.channel, self.source, self.payout_id


def shopify_payouts(shopify: ShopifyAPI) -> list[ChannelPayout]:
    out = []
    for shop in shopify.shops.values():
        ledger, now = shop.entities.ledger, shop.now()
        for payout in ledger.issued(now):
            net = ledger.net_of(payout)
            if net == 0:
                continue
            legacy = PAYOUT_ID_BASE + payout.number
            out.append(
                ChannelPayout(
                    SHOPIFY,
                    shop.data.domain,
                    str(legacy),
                    shop.data.currency,
                    net,
                    payout.issued_at.date(),
                    f"TRACE{legacy}",
                )
            )
    return out


def amazon_settlements(amazon: AmazonAPI) -> list[ChannelPayout]:
    world = amazon.world
    now, ledger = world.now(), world.ledger
    out = []
    for period in ledger.periods(now):
        if period.end > now:
            continue  # still open: nothing sent yet
        total = ledger.period_total(period)
        if total == 0:
            continue
        out.append(
            ChannelPayout(
                AMAZON,
                period.marketplace_id,
                period.settlement_id,
                MARKETPLACES[period.marketplace_id].currency,
                total,
                period.deposit.date(),
                f"STRATUS{period.settlement_id}",
            )
        )
    return out


def channel_payouts(shopify: ShopifyAPI, amazon: AmazonAPI | None) -> list[ChannelPayout]:
    """Every payout and settlement, oldest first."""
    payouts = shopify_payouts(shopify) + (amazon_settlements(amazon) if amazon is not None else [])
    return sorted(payouts, key=lambda p: (p.sent_on, p.channel, p.payout_id))

"""Known marketplaces: the names reports and the Finances API write, and their currencies."""

from __future__ import annotations

#: id -> (the marketplace's name in reports and finances, the currency it settles in)
MARKETPLACES = {
    "ATVPDKIKX0DER": ("Amazon.com", "USD"),
    "A2EUQ1WTGCTBG2": ("Amazon.ca", "CAD"),
    "A1AM78C64UM0Y8": ("Amazon.com.mx", "MXN"),
    "A2Q3Y263D00KWC": ("Amazon.com.br", "BRL"),
    "A1F83G8C2ARO7P": ("Amazon.co.uk", "GBP"),
    "A1PA6795UKMFR9": ("Amazon.de", "EUR"),
    "A13V1IB3VIYZZH": ("Amazon.fr", "EUR"),
    "APJ6JRA9NG5V4": ("Amazon.it", "EUR"),
    "A1RKKUPIHCS9HS": ("Amazon.es", "EUR"),
    "A1805IZSGTT6HS": ("Amazon.nl", "EUR"),
    "A1VC38T7YXB528": ("Amazon.co.jp", "JPY"),
    "A39IBJ37TRP1C6": ("Amazon.com.au", "AUD"),
}
MARKETPLACE_NAMES = {name: marketplace_id for marketplace_id, (name, _) in MARKETPLACES.items()}
_BY_LOWER_NAME = {name.lower(): marketplace_id for name, marketplace_id in MARKETPLACE_NAMES.items()}


def marketplace_by_name(name: str | None, candidates: list[str]) -> str | None:
    """The marketplace a name (`Amazon.ca`, `amazon.ca`) stands for; the only candidate when unknown."""
    found = _BY_LOWER_NAME.get(str(name or "").strip().lower())
    if found:
        return found
    return candidates[0] if len(candidates) == 1 else None


def marketplace_by_currency(currency: str | None, configured: list[str]) -> str | None:
    """The one configured marketplace settling in `currency`; None when none or several do."""
    matches = [m for m in configured if currency and MARKETPLACES.get(m, ("", ""))[1] == currency]
    return matches[0] if len(matches) == 1 else None

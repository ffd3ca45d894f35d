"""Reading SP-API flat-file report documents: streamed, decompressed and decoded on the fly,
with the date and amount formats the reports use."""

from __future__ import annotations

import codecs
import csv
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from tap_common.issues import UnreadableValue

__all__ = ["UnreadableValue"]  # a cell whose text is no value of the type expected (the taps share it)

CHUNK = 64 * 1024
_CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)
_ZONE = r"(?:\s*(?P<zone>UTC|GMT|Z|[A-Z]{2,4}|[+-]\d{2}(?::?\d{2})?))?"
_TIME = r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?)?"
#: dd.mm.yyyy (EU reports), yyyy-mm-dd and yyyy/mm/dd, each with an optional time and zone.
_DATES = (
    re.compile(rf"^(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}{_ZONE}$"),
    re.compile(rf"^(?P<year>\d{{4}})[-/](?P<month>\d{{1,2}})[-/](?P<day>\d{{1,2}}){_TIME}{_ZONE}$"),
)
#: Zone names reports write after a time, with their fixed offsets in hours (a name like PDT
#: already says whether summer time applies, so no zone database is needed).
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6,
    "CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "JST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip
#: The legacy encoding of each marketplace's documents when they are not UTF-8 (Cp1252 for the
#: Americas and Europe, Shift_JIS as Windows-31J for Japan).
LEGACY_CHARSETS = {"A1VC38T7YXB528": "cp932"}
DEFAULT_LEGACY_CHARSET = "cp1252"


class TruncatedDocument(Exception):  # noqa: N818 - says what happened, like EOFError
    """The document ended before its compressed stream did."""


def charset_of(content_type: str | None) -> str | None:
    """The text encoding a Content-Type names, or None when it names none."""
    match = _CHARSET.search(content_type or "")
    return match[1].lower() if match else None


def legacy_charset(marketplaces: list[str]) -> str:
    """The encoding a document of these marketplaces is in when it is not UTF-8."""
    return next((LEGACY_CHARSETS[m] for m in marketplaces if m in LEGACY_CHARSETS), DEFAULT_LEGACY_CHARSET)


def gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decompress a gzip stream chunk by chunk; a stream cut short raises TruncatedDocument."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for chunk in chunks:
        out = inflater.decompress(chunk)
        if out:
            yield out
    tail = inflater.flush()
    if tail:
        yield tail
    if not inflater.eof:
        raise TruncatedDocument("the report document ended before its gzip stream did")


def _keep_byte(error: UnicodeError) -> tuple[str, int]:
    """A byte no character of the legacy charset stands for is kept as the Latin-1 character of
    the same value (as browsers read windows-1252), so no text is lost or replaced."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("stratus-keep-byte", _keep_byte)


class Decoder:
    """Decodes a document chunk by chunk: the declared charset when there is one; otherwise
    UTF-8 (a BOM dropped) until the first byte that cannot be UTF-8, and from that byte on the
    legacy charset. Text before that byte is ASCII in a legacy document (legacy text is almost
    never valid UTF-8), so one pass decides the whole document and nothing is read twice."""

    def __init__(self, declared: str | None, legacy: str) -> None:
        utf8 = declared is None or declared.replace("-", "").replace("_", "") == "utf8"
        self.legacy = legacy
        self.charset: str = "utf-8" if utf8 else str(declared)
        self.switched = False
        self._pending = b""
        self._inner = None if utf8 else codecs.getincrementaldecoder(self.charset)("stratus-keep-byte")
        self._started = False
        self.saw_utf8 = False

    def decode(self, data: bytes, *, final: bool = False) -> str:
        if self._inner is not None:
            return str(self._inner.decode(data, final))
        data = self._pending + data
        if not self._started:
            if len(data) < len(codecs.BOM_UTF8) and not final:
                self._pending = data
                return ""
            self._started = True
            data = data.removeprefix(codecs.BOM_UTF8)
        try:
            text, used = codecs.utf_8_decode(data, "strict", final)
        except UnicodeDecodeError as error:
            head = data[: error.start].decode("utf-8")
            self.switched, self.charset = True, self.legacy
            self._inner = codecs.getincrementaldecoder(self.legacy)("stratus-keep-byte")
            self._pending = b""
            return head + str(self._inner.decode(data[error.start :], final))
        self.saw_utf8 = self.saw_utf8 or not text.isascii()
        self._pending = data[used:]
        return text


def text_lines(chunks: Iterable[bytes], *, gzip: bool, decoder: Decoder) -> Iterator[str]:
    """The lines of a document's byte chunks, decompressed and decoded as read (line ends kept)."""
    raw = gunzip(chunks) if gzip else iter(chunks)
    tail = ""
    for chunk in raw:
        lines = (tail + decoder.decode(chunk)).split("\n")
        tail = lines.pop()
        for line in lines:
            yield line + "\n"
    tail += decoder.decode(b"", final=True)
    if tail:
        yield tail


def tsv_rows(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Each data row of a tab-separated document with a header row, keyed by column name."""
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return
    columns = [name.strip() for name in header]
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        yield dict(zip(columns, (cell.strip() for cell in row), strict=False))


def _offset(zone: str | None, value: str) -> timezone | None:
    """The offset a zone suffix names; None when there is none (the time is then UTC)."""
    if not zone:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        return timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
    if zone not in ZONES:
        raise UnreadableValue(value, f"unknown time zone {zone!r} in date {value!r}")
    return timezone(timedelta(hours=ZONES[zone]))


def parse_date(value: str | None) -> str | None:
    """An ISO 8601 UTC timestamp from any date format the reports use; None for empty.

    Reads `2023-01-01 00:00:00 UTC`, `2023-01-01T00:00:00+00:00`, `2023-01-01T00:00:00Z`,
    `2023-01-01`, `2023/01/01`, `01.01.2023` (day first), each with an optional time, fraction
    of a second and offset (`+01:00`, `+0100`, `+01`) or zone name (`UTC`, `PST`, `PDT`, `CET`...);
    a date without either is UTC. Anything else raises UnreadableValue.
    """
    text = (value or "").strip()
    if not text:
        return None
    for form in _DATES:
        found = form.match(text)
        if found:
            break
    else:
        raise UnreadableValue(value, f"unrecognised date {value!r}")
    part = found.groupdict()
    zone = _offset(part["zone"], text) or UTC
    try:
        moment = datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            int((part["fraction"] or "0").ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError as exc:
        raise UnreadableValue(value, f"impossible date {value!r} ({exc})") from None
    return moment.astimezone(UTC).isoformat()


_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# 1,234.50 or 1,234,567 (a lone `1,234` matches neither this nor the EU forms).
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$|^[+-]?\d{1,3}(?:,\d{3}){2,}$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(?:[.\u00a0 ]\d{3})+(?:,\d+)?$")  # 1.234,50 / 1 234,50
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$|^[+-]?\d+,\d{4,}$")  # 3,10 (never three digits)


def parse_amount(value: str | None) -> Decimal | None:
    """An exact amount from a report cell; None for empty.

    Reads `12.34`, `-1,234.50` (thousands by comma), `1.234,50` and `1 234,50` (EU), `3,10`
    (decimal comma). `1,234` is refused: a thousands separator (JP, US) or a decimal comma
    (EU) alike, and guessing would be off by a factor of a thousand.
    """
    text = (value or "").strip()
    if not text:
        return None
    if _PLAIN.match(text):
        number = text
    elif _GROUPED_DOT.match(text):
        number = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text) or _GROUPED_COMMA.match(text):  # `1.234` alone was _PLAIN
        number = re.sub(r"[.\u00a0 ]", "", text).replace(",", ".")
    else:
        reason = (
            "ambiguous amount (thousands or decimals?)"
            if re.match(r"^[+-]?\d{1,3},\d{3}$", text)
            else "unrecognised amount"
        )
        raise UnreadableValue(value, f"{reason} {value!r}")
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        raise UnreadableValue(value, f"unrecognised amount {value!r}") from None


def parse_int(value: str | None) -> int | None:
    """A whole number (`3`, `3.0`, `1,234`); a fraction or text raises UnreadableValue."""
    text = (value or "").strip()
    if not text:
        return None
    if re.match(r"^[+-]?\d{1,3}(?:,\d{3})+$", text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise UnreadableValue(value, f"unrecognised whole number {value!r}") from None
    if number != number.to_integral_value():
        raise UnreadableValue(value, f"{value!r} is not a whole number")
    return int(number)


def api_decimal(value: Any) -> Decimal | None:
    """An exact amount from an API response (a JSON number or its text); None for empty."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise UnreadableValue(text, f"unreadable amount {text!r}") from None
    if not number.is_finite():
        raise UnreadableValue(text, f"unreadable amount {text!r}")
    return number


def api_int(value: Any) -> int | None:
    """A whole number from an API response: a JSON integer, or text of one; else UnreadableValue."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str | Decimal):
        return parse_int(str(value))
    raise UnreadableValue(str(value), f"unrecognised whole number {value!r}")


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    if text not in _TRUE | _FALSE:
        raise UnreadableValue(value, f"unrecognised true/false {value!r}")
    return text in _TRUE

"""Reading SP-API flat-file report documents: streamed, decompressed and decoded on the fly,
with the date and amount formats the reports use."""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO

CHUNK = 64 * 1024
_CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2}):(\d{2}))?(?: ?(UTC|GMT|Z|[+-]\d{2}:?\d{2}))?$")


class TruncatedDocument(Exception):  # noqa: N818 - says what happened, like EOFError
    """The document ended before its compressed stream did."""


def charset_of(content_type: str | None) -> str:
    """The text encoding a Content-Type names; UTF-8 (with or without BOM) when it names none."""
    match = _CHARSET.search(content_type or "")
    name = match[1].lower() if match else "utf-8"
    return "utf-8-sig" if name in {"utf-8", "utf8"} else name


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


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte chunks, so TextIOWrapper can decode it lazily."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def text_lines(chunks: Iterable[bytes], *, gzip: bool, charset: str) -> IO[str]:
    """A text stream over a document's byte chunks, decompressed and decoded as read."""
    raw = gunzip(chunks) if gzip else iter(chunks)
    return io.TextIOWrapper(io.BufferedReader(_ChunkReader(raw), CHUNK), encoding=charset, newline="")


def tsv_rows(lines: IO[str]) -> Iterator[dict[str, str]]:
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


def parse_date(value: str | None) -> str | None:
    """An ISO 8601 UTC timestamp from any date format the reports use; None for empty.

    Handles `2023-01-01 00:00:00 UTC`, `2023-01-01T00:00:00+00:00`, `2023-01-01T00:00:00Z`,
    `2023-01-01` and `01.01.2023` (day first, optionally with a time).
    """
    text = (value or "").strip()
    if not text:
        return None
    dotted = _DOTTED.match(text)
    if dotted:
        day, month, year, hour, minute, second, _ = dotted.groups()
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    else:
        for suffix in (" UTC", " GMT"):
            if text.endswith(suffix):
                text = text[: -len(suffix)] + "+00:00"
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError as exc:
            raise ValueError(f"unrecognised date {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def parse_amount(value: str | None) -> Decimal | None:
    """An exact amount from a report cell (`12.34`, `-1,234.50`, EU `1.234,50`); None for empty."""
    text = (value or "").strip()
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"unrecognised amount {value!r}") from exc


def parse_int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(Decimal(text)) if text else None


def parse_bool(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    return text in {"true", "yes", "y", "1"}

"""The taps' message writer: msgspec encoding, text Postgres can store, bookmarks never ahead.

- Text: Postgres text cannot hold NUL, and UTF-8 cannot hold a lone surrogate (an API may send
  one as a `\\ud800` escape), so a single such value would stop every load. NUL is removed and
  each lone surrogate becomes U+FFFD. Only lines that need it pay: the encoded line is searched
  for `\\u0000` (msgspec escapes NUL that way), and a lone surrogate makes the encoder fail.
- Bookmarks: a STATE message's bookmarks (`bookmark_keys`, at any depth) later than
  `bookmarks_until` (the moment the sync started) are written as that moment, so a clock ahead
  of ours or an empty window can never make the next run skip data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from singer_sdk.contrib.msgspec import MsgSpecWriter, serialize_jsonl
from singer_sdk.singerlib.messages import Message, RecordMessage, StateMessage

from tap_common.settings import parse_moment

ESCAPED_NUL = b"\\u0000"
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(value: Any) -> Any:
    """`value` with NUL removed and lone surrogates replaced by U+FFFD in every string it holds."""
    if isinstance(value, str):
        return SURROGATE.sub(REPLACEMENT, value.replace("\x00", ""))
    if isinstance(value, dict):
        return {clean_text(key): clean_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_text(item) for item in value]
    return value


def _bounded(value: Any, until: datetime) -> Any:
    if isinstance(value, dict):
        return {key: _bounded(item, until) for key, item in value.items()}
    if isinstance(value, list):
        return [_bounded(item, until) for item in value]
    if isinstance(value, str):
        try:
            moment = parse_moment(value)
        except ValueError:
            return value
        if moment > until:
            return until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def bound_bookmarks(state: Any, keys: frozenset[str], until: datetime) -> Any:
    """`state` with every timestamp under one of `keys` no later than `until`."""
    if isinstance(state, dict):
        return {
            key: _bounded(item, until) if key in keys else bound_bookmarks(item, keys, until)
            for key, item in state.items()
        }
    if isinstance(state, list):
        return [bound_bookmarks(item, keys, until) for item in state]
    return state


class CleaningWriter(MsgSpecWriter):
    """MsgSpecWriter whose lines always load into Postgres and whose bookmarks never run ahead."""

    #: Set by the tap: the state keys holding bookmarks, and the moment its sync started.
    bookmark_keys: frozenset[str] = frozenset({"replication_key_value"})
    bookmarks_until: datetime | None = None
    #: Told the stream of each RECORD written (the run ledger counts them).
    on_record: Callable[[str], None] | None = None

    def serialize_message(self, message: Message) -> bytearray:
        if isinstance(message, RecordMessage) and self.on_record is not None:
            self.on_record(message.stream)
        body = message.to_dict()
        if isinstance(message, StateMessage) and self.bookmarks_until is not None:
            body = bound_bookmarks(body, self.bookmark_keys, self.bookmarks_until)
        try:
            line = serialize_jsonl(body)
        except UnicodeEncodeError:  # a lone surrogate
            return serialize_jsonl(clean_text(body))
        if ESCAPED_NUL in line:
            return serialize_jsonl(clean_text(body))
        return line

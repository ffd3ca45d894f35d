"""Settings parsed and checked one by one, so each wrong or missing one gets one line.

Meltano hands a tap its settings as typed JSON values or, from the environment and `.env`, as
strings; meltano.yml therefore declares numbers, choices, flags and lists as `kind: string`
(Meltano would otherwise fail on a mistyped value with its own traceback) and the parsers here
accept both forms: `"5"` and `5`, `"true"` and `true`, `'["A","B"]'`, `"A,B"` and `["A", "B"]`.

Every problem reads `name: what was expected, got 'value'`; a secret's value is never shown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

#: A parser takes a setting's name and raw value and returns the value the tap uses.
Parser = Callable[[str, Any], Any]

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}
WHOLE = re.compile(r"^\s*[+-]?\d+\s*$")


class WrongSettingError(ValueError):
    """One setting is wrong; the message names it."""


class SettingsError(Exception):
    """Settings that are wrong or missing, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def shown(value: Any, *, secret: bool = False) -> str:
    """How a wrong value is quoted: as the user wrote it (JSON numbers arrive as Decimal), never a secret."""
    if secret:
        return "a value that is hidden because it is secret"
    return str(value) if isinstance(value, Decimal) else repr(value)


def _whole(value: Any) -> bool:
    """Whether `value` is a whole number: an int, a float or Decimal without fraction, or digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float | Decimal):
        return math.isfinite(value) and value == int(value)
    return isinstance(value, str) and WHOLE.match(value) is not None


def integer(*, minimum: int = 0, maximum: int | None = None, unit: str = "") -> Parser:
    """A whole number within [minimum, maximum], given as a number or a string of digits."""
    span = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    expected = f"a whole number{f' of {unit}' if unit else ''} {span}"

    def parse(name: str, value: Any) -> int:
        if not _whole(value):
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value)}")
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value)}")
        return number

    return parse


def number(*, minimum: float = 0, unit: str = "") -> Parser:
    """A number of at least `minimum`, given as a number or a numeric string."""
    expected = f"a number{f' of {unit}' if unit else ''} of at least {minimum:g}"

    def parse(name: str, value: Any) -> float:
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            parsed = float(value)
        except (TypeError, ValueError):
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value)}") from None
        if not parsed >= minimum or parsed == float("inf"):  # also refuses NaN
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value)}")
        return parsed

    return parse


def boolean(name: str, value: Any) -> bool:
    """true or false (also 1/0, yes/no, on/off)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise WrongSettingError(f"{name}: expected true or false, got {shown(value)}")


def choice(*options: str) -> Parser:
    """One of `options`."""

    def parse(name: str, value: Any) -> str:
        if value not in options:
            raise WrongSettingError(f"{name}: expected one of {', '.join(options)}, got {shown(value)}")
        return str(value)

    return parse


def text(*, pattern: re.Pattern[str] | None = None, expected: str = "text", secret: bool = False) -> Parser:
    """A string, matching `pattern` if given."""

    def parse(name: str, value: Any) -> str:
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value, secret=secret)}")
        return value

    return parse


def url(name: str, value: Any) -> str:
    """An http(s) URL."""
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise WrongSettingError(f"{name}: expected an http(s) URL, got {shown(value)}")
    return value


def text_list(*, item: re.Pattern[str], example: str) -> Parser:
    """A non-empty list of strings matching `item`: a list, a JSON array, or comma-separated."""

    def parse(name: str, value: Any) -> list[str]:
        items = value
        if isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("["):
                try:
                    items = json.loads(stripped)
                except ValueError:
                    raise WrongSettingError(
                        f'{name}: expected a JSON array like ["{example}"] or ids separated by commas, '
                        f"got {shown(value)}"
                    ) from None
            else:
                items = [part.strip() for part in stripped.split(",") if part.strip()]
        if not isinstance(items, list):
            raise WrongSettingError(f'{name}: expected a list of ids like ["{example}"], got {shown(value)}')
        if not items:
            raise WrongSettingError(f"{name}: name at least one, e.g. {example}")
        for entry in items:
            if not isinstance(entry, str) or not item.match(entry):
                raise WrongSettingError(f"{name}: {entry!r} is not an id like {example}")
        return list(items)

    return parse


def parse_moment(value: Any) -> datetime:
    """An ISO 8601 date or timestamp; one without an offset is UTC."""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_date(now: datetime) -> Parser:
    """An ISO 8601 date or timestamp, not after `now`: a future start would read nothing."""

    def parse(name: str, value: Any) -> str:
        try:
            moment = parse_moment(value)
        except (TypeError, ValueError):
            expected = "an ISO 8601 date or timestamp like 2024-01-01"
            raise WrongSettingError(f"{name}: expected {expected}, got {shown(value)}") from None
        if moment > now:
            raise WrongSettingError(
                f"{name}: {value!r} is in the future; expected a date on or before today "
                f"({now:%Y-%m-%d}), from which the first run reads"
            )
        return str(value)

    return parse


@dataclass(frozen=True)
class Checked:
    config: dict[str, Any]
    problems: list[str]


def check(
    config: Mapping[str, Any],
    parsers: Mapping[str, Parser],
    required: Mapping[str, str],
    *,
    complete: bool,
) -> Checked:
    """`config` with every known setting parsed, and one line per wrong (or, if `complete`, missing) one.

    An empty value counts as unset, so a setting's default applies (a prod `.env` may leave one empty).
    """
    parsed = dict(config)
    problems: list[str] = []
    for name, parse in parsers.items():
        value = parsed.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            parsed.pop(name, None)
            if complete and name in required:
                problems.append(f"{name}: missing; set it to {required[name]}")
            continue
        try:
            parsed[name] = parse(name, value)
        except WrongSettingError as problem:
            problems.append(str(problem))
            del parsed[name]  # so that checks across settings see only valid values
    return Checked(parsed, problems)

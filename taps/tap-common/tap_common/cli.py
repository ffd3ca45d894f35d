"""The taps' console entry point: known failures end with one line, not a traceback."""

from __future__ import annotations

import sys

from singer_sdk import Tap

from tap_common.retry import UnreachableError
from tap_common.settings import SettingsError


def run(tap_class: type[Tap], *known: type[Exception]) -> None:
    """Run `tap_class`'s CLI; wrong settings print a line each, `known` failures their one line."""
    failures: tuple[type[Exception], ...] = (UnreachableError, *known)
    try:
        tap_class.cli()
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"{tap_class.name}: {problem}", file=sys.stderr)
        sys.exit(1)
    except failures as exc:
        print(f"{tap_class.name}: {exc}", file=sys.stderr)
        sys.exit(1)

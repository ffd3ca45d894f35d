"""The taps' console entry point: known failures end with one line, not a traceback."""

from __future__ import annotations

import os
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
    except Exception as exc:  # anything else is a bug; still one line, the trace on request
        if os.environ.get("STRATUS_TRACEBACK"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"{tap_class.name}: stopped: {type(exc).__name__}: {first} (records and bookmarks emitted before "
            "this are kept; set STRATUS_TRACEBACK=1 to see where)",
            file=sys.stderr,
        )
        sys.exit(1)

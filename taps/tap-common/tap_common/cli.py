"""The taps' console entry point: known failures end with one line, not a traceback."""

from __future__ import annotations

import os
import sys

from singer_sdk import Tap

from tap_common.failures import UNEXPECTED_HINT, failure_line
from tap_common.retry import UnreachableError
from tap_common.settings import SettingsError


def run(tap_class: type[Tap], *known: type[Exception]) -> None:
    """Run `tap_class`'s CLI; wrong settings print a line each, `known` failures their one line.

    The tap's sync writes its run records (sync_runs, sync_streams) before the failure gets here,
    with the same line (GuardedTap.sync_all)."""
    failures: tuple[type[Exception], ...] = (UnreachableError, *known)
    tap_class.known_failures = failures  # type: ignore[attr-defined]
    try:
        tap_class.cli()
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"{tap_class.name}: {problem}", file=sys.stderr)
        sys.exit(1)
    except failures as exc:
        print(f"{tap_class.name}: {failure_line(exc, failures)}", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # anything else is a bug; still one line, the trace on request
        if os.environ.get("STRATUS_TRACEBACK"):
            raise
        print(f"{tap_class.name}: {failure_line(exc, failures)} {UNEXPECTED_HINT}", file=sys.stderr)
        sys.exit(1)

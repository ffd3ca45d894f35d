"""The one line a failed run ends with: printed by the CLI and kept in the run's sync_runs row."""

from __future__ import annotations

#: Said after an unexpected failure's line on the console (not kept in the run record).
UNEXPECTED_HINT = "(records and bookmarks emitted before this are kept; set STRATUS_TRACEBACK=1 to see where)"


def failure_line(exc: BaseException, known: tuple[type[BaseException], ...]) -> str:
    """`exc` in one line: a known failure's own message, anything else `stopped: Type: first line`."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, known):
        return first or type(exc).__name__
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return "stopped: interrupted before the end of the run"
    return f"stopped: {type(exc).__name__}: {first}"

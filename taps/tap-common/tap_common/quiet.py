"""The default log says what happened, not how: the SDK's per-sync chatter and its METRIC lines
stay out of it, and come back at debug level or with the SDK's own logging config.

- At the default level (INFO), the lines below are dropped from the console: a child stream is
  synced again for every parent record, and the SDK says "Beginning sync" each time, which reads
  as if it were read again in full. The taps log one start and one end line per stream instead
  (tap_common.measured).
- METRIC lines (the SDK's `singer_sdk.metrics` logger: a record counter every minute and the
  duration of every request) are dropped too, unless `SINGER_SDK_LOG_CONFIG` names a logging
  config (the SDK applies it; `taps/tap-common/metrics-logging.yaml` shows them all).
- `TAP_SHOPIFY_LOGLEVEL=DEBUG` (any tap: `<TAP>_LOGLEVEL`, or `LOGLEVEL`) shows everything.
"""

from __future__ import annotations

import logging
import os

from singer_sdk.metrics import METRICS_LOGGER_NAME

#: The SDK's format strings of lines that repeat per sync, per partition or per parent record.
SDK_CHATTER = frozenset(
    {
        "Beginning sync of '%s' in %s mode",
        "Beginning sync of '%s' in %s mode with context keys: %s",
        "Starting incremental sync of '%s' with bookmark value: %s",
        "Starting full table sync of '%s'",  # not in every SDK version; harmless if absent
        "Added '%s' as child stream to '%s'",
        "Skipping parse of env var settings...",
        "Parsing env var for settings config...",
        "Skipping deselected stream '%s'.",
        "Total Sync costs for stream %s: %s",
    }
)
#: Said once per sync of every unsorted stream's partition: kept once.
ONCE = frozenset({"Stream is assumed to be unsorted, progress is not resumable if interrupted"})


class QuietFilter(logging.Filter):
    """Drops the SDK's chatter (and its METRIC lines unless `metrics`) below WARNING."""

    def __init__(self, *, metrics: bool) -> None:
        super().__init__()
        self.metrics = metrics
        self._said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message in ONCE:
            if message in self._said:
                return False
            self._said.add(message)
            return True
        if record.levelno >= logging.WARNING:
            return True
        if record.name == METRICS_LOGGER_NAME:
            return self.metrics
        return message not in SDK_CHATTER


def log_level(plugin_name: str) -> str:
    """The plugin's log level as the SDK reads it: `<PLUGIN>_LOGLEVEL`, else `LOGLEVEL`, else INFO."""
    prefix = plugin_name.upper().replace("-", "_")
    return (os.environ.get(f"{prefix}_LOGLEVEL") or os.environ.get("LOGLEVEL") or "INFO").upper()


def quiet_console(level: str) -> None:
    """Put the filter on the console handlers, unless the log level is DEBUG."""
    if level == "DEBUG":
        return
    quiet = QuietFilter(metrics="SINGER_SDK_LOG_CONFIG" in os.environ)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, QuietFilter) for existing in handler.filters):
            handler.addFilter(quiet)

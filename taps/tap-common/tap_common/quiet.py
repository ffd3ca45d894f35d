"""The default log says what happened, not how: the SDK's per-sync chatter and its METRIC lines
stay out of it, and come back at debug level or with the SDK's own logging config.

- At the default level (INFO), the lines below are dropped from the console: a child stream is
  synced again for every parent record, and the SDK says "Beginning sync" each time, which reads
  as if it were read again in full. The taps log one start and one end line per stream instead
  (tap_common.measured).
- METRIC lines (the SDK's `singer_sdk.metrics` logger: a record counter every minute and the
  duration of every request) are dropped too, unless the SDK's own level variable for the plugin
  is set (`TAP_SHOPIFY_LOGLEVEL=INFO`, any plugin `<NAME>_LOGLEVEL`, or `LOGLEVEL`): the SDK
  sets its metrics logger's level from it, so setting it asks for them.
- At debug level (`meltano --log-level debug`, which Meltano hands the plugin through its
  logging config, or `<NAME>_LOGLEVEL=DEBUG`) nothing is dropped.
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
#: SDK warnings said once per partition or record: kept once (the summary counts them all).
ONCE = frozenset(
    {
        "Stream is assumed to be unsorted, progress is not resumable if interrupted",
        "New replication value is null",
    }
)


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


def metrics_asked(plugin_name: str) -> bool:
    """Whether the user set the SDK's own level for this plugin (`<PLUGIN>_LOGLEVEL` or `LOGLEVEL`),
    from which the SDK sets its metrics logger's level: then its METRIC lines are wanted."""
    prefix = plugin_name.upper().replace("-", "_")
    return bool(os.environ.get(f"{prefix}_LOGLEVEL") or os.environ.get("LOGLEVEL"))


def quiet_console(plugin_name: str) -> None:
    """Put the filter on the console handlers, unless the log is at debug level."""
    root = logging.getLogger()
    if root.getEffectiveLevel() <= logging.DEBUG:
        return
    quiet = QuietFilter(metrics=metrics_asked(plugin_name))
    for handler in root.handlers:
        if not any(isinstance(existing, QuietFilter) for existing in handler.filters):
            handler.addFilter(quiet)

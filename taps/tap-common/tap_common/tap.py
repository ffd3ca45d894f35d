"""The base of both taps: settings checked one line each, a fixed sync start, the cleaning writer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from singer_sdk import Tap

from tap_common.settings import Checked, SettingsError
from tap_common.writer import CleaningWriter


class GuardedTap(Tap):
    """A Tap whose settings are parsed by `checked_config` before the SDK's schema sees them."""

    message_writer_class = CleaningWriter
    #: State keys holding bookmarks, none of which may be saved later than the sync's start.
    bookmark_keys: ClassVar[frozenset[str]] = frozenset({"replication_key_value"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Every window of the sync ends relative to this one moment, and no bookmark passes it.
        self.started_at = datetime.now(UTC)
        super().__init__(*args, **kwargs)
        writer = self.message_writer
        if isinstance(writer, CleaningWriter):
            writer.bookmark_keys = self.bookmark_keys
            writer.bookmarks_until = self.started_at

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        """`config` parsed, and a line per wrong setting (and per missing one if `complete`)."""
        raise NotImplementedError

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Discovery (raise_errors False) reads no setting, so it lets wrong ones pass: a run then
        # stops at the sync with the tap's own lines, where Meltano would print a traceback of its
        # own around a failed discovery (`meltano invoke`).
        checked = self.checked_config(dict(self._config), complete=raise_errors)
        self._config = checked.config
        if not raise_errors:
            return checked.problems
        if checked.problems:
            raise SettingsError(checked.problems)
        return super()._validate_config(raise_errors=raise_errors)

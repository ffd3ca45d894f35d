"""The one error type a user must act on."""

from singer_sdk.exceptions import FatalAPIError


class FreeAgentError(FatalAPIError):
    """A failure the user must act on; its message is one line naming what to check."""

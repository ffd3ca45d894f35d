"""Failures the tap reports as one line (tap_common.cli prints them)."""


class ShipBobError(Exception):
    """ShipBob refused or could not answer; the message names the setting or scope to fix."""

"""What both Stratus taps share (settings checks, message writer, retry budget, entry point)."""

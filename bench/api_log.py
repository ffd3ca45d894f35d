"""What the sandbox's request log says about one API's calls in a run."""

from __future__ import annotations

from collections import Counter

from sandbox.server import Sandbox


def api_summary(sandbox: Sandbox, api: str) -> tuple[float, Counter[str], int]:
    """Simulated seconds from the first request of `api` to its last answer, calls per operation, and 429s."""
    log = [e for e in sandbox.requests() if e.get("api") == api]
    span = max(e["sim_end"] for e in log) - min(e["sim_start"] for e in log) if log else 0.0
    return span, Counter(str(e.get("operation")) for e in log), sum(1 for e in log if e["status"] == 429)

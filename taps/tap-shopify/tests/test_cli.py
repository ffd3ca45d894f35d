"""An unexpected failure (a bug, or a state file edited by hand) still ends in one line, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_an_unexpected_failure_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "shop": "x.myshopify.com",
                "access_token": "shpat_x",
                "api_url": "http://127.0.0.1:9/shops/{shop}",
                "start_date": "2024-01-01",
            }
        )
    )
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"bookmarks": 5}))  # not the shape any tap writes
    tap = Path(sys.executable).with_name("tap-shopify")
    result = subprocess.run(
        [str(tap), "--config", str(config), "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("tap-shopify: ")]
    assert len(lines) == 1 and lines[0].startswith("tap-shopify: stopped: AttributeError"), result.stderr[-2000:]

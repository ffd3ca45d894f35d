"""Run one Meltano command with a given stdin (the loader reads its Singer input from it), never failing the test itself."""

from __future__ import annotations

import subprocess

from conftest import ROOT, meltano_command


def invoke(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        meltano_command(*args), cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=600, check=False
    )

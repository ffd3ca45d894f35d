"""Where the vendor API contracts live (`../shared/specs` beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def specs_dir() -> Path:
    """The specs directory: `STRATUS_SPECS_DIR`, else `../shared/specs` beside the repo."""
    configured = os.environ.get("STRATUS_SPECS_DIR")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "specs"
    if not path.is_dir():
        raise SystemExit(f"sandbox: API specs not found at {path}; set STRATUS_SPECS_DIR to the specs directory")
    return path

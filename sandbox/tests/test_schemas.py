"""The schemas shipped with the sandbox are Shopify's published ones, unchanged."""

from pathlib import Path

import pytest

from sandbox.shopify.schema import SCHEMA_DIR, available_versions, load_schema

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "specs" / "shopify"


def test_sandbox_knows_the_current_and_previous_versions():
    assert available_versions() == ["2026-01", "2026-10"]
    query_type = load_schema("2026-10").query_type
    assert query_type is not None
    assert "orders" in query_type.fields


@pytest.mark.parametrize("version", available_versions())
def test_shipped_schema_matches_the_reference_specs(version):
    reference = REFERENCE / f"admin_{version}.json.gz"
    if not REFERENCE.is_dir():
        pytest.skip(f"reference specs not beside the repository ({REFERENCE})")
    assert (SCHEMA_DIR / reference.name).read_bytes() == reference.read_bytes()

"""Text Postgres cannot store (NUL, lone surrogates) is cleaned by the tap and loaded, never blocks a run:
`meltano run tap-shopify target-postgres` (products only) into a real Postgres."""

from __future__ import annotations

import json

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
# NUL is removed; a lone surrogate (sent as a \ud800 escape) becomes U+FFFD (taps/tap-shopify/README.md).
TITLE = "Merino\x00 Socks \ud800 Deluxe"
CLEANED = "Merino Socks \ufffd Deluxe"


def test_a_title_with_nul_and_a_lone_surrogate_is_loaded_cleaned(warehouse, tmp_path):
    world = Sandbox(SandboxOptions(shopify_orders=20, time_scale=500))
    world.shopify.shops[SHOP].entities.catalog.titles[0] = TITLE
    with running(world) as url:
        env = pipeline_env(url, warehouse, tmp_path, amazon_days=30)
        env["TAP_SHOPIFY__SELECT"] = json.dumps(["products.*"])  # one stream keeps the run small
        meltano(env, "run", "tap-shopify", "target-postgres")
    titles = [row[0] for row in query(warehouse, "select title from raw_shopify.products")]
    assert CLEANED in titles
    assert len(titles) == len(world.shopify.shops[SHOP].entities.catalog.product_times)

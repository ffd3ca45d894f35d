"""Every query the tap sends is valid against Shopify's real schema, in each version we know."""

import pytest
from graphql import parse, validate
from tap_shopify.queries import load_query, query_names

from sandbox.shopify.schema import available_versions, load_schema


def test_the_tap_ships_queries():
    assert {"orders", "order_line_items", "shop"} <= set(query_names())


@pytest.mark.parametrize("version", available_versions())
@pytest.mark.parametrize("name", query_names())
def test_query_is_valid_against_the_real_schema(name, version):
    errors = validate(load_schema(version), parse(load_query(name)))
    assert errors == [], [e.message for e in errors]


def test_a_broken_query_would_be_caught():
    broken = load_query("orders").replace("legacyResourceId", "legacyResourceID")
    assert validate(load_schema("2026-10"), parse(broken))

"""Login with Amazon and SP-API authorisation: expiring tokens, LWA and SP-API error shapes."""

from __future__ import annotations

import time

import pytest

from sandbox.amazon.lwa import TOKEN_LIFETIME
from sandbox.tests.amazon_client import SPAPI, lwa, validate

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


@pytest.fixture
def amazon(sandbox_factory):
    return sandbox_factory(amazon_orders=40, shopify_orders=5, time_scale=10)


def test_refresh_token_exchange_gives_an_expiring_bearer_token(amazon):
    _, base = amazon
    reply = lwa(base)
    assert reply.status == 200
    body = reply.json
    assert body["token_type"] == "bearer"
    assert body["access_token"].startswith("Atza|")
    assert body["expires_in"] == 3600  # Amazon's value, whatever the time scale (10 here)
    assert body["refresh_token"] == "Atzr|stratus-sandbox"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "amzn1.application-oa2-client.other"}, 401, "invalid_client"),
        ({"refresh_token": "Atzr|revoked"}, 400, "invalid_grant"),
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
    ],
)
def test_wrong_credentials_get_lwa_errors(amazon, overrides, status, code):
    _, base = amazon
    reply = lwa(base, **overrides)
    assert reply.status == status
    assert reply.json["error"] == code
    assert reply.json["error_description"]


def test_calls_without_a_token_are_unauthorized(amazon):
    _, base = amazon
    reply = SPAPI(base).get(PARTICIPATIONS)
    assert reply.status == 403
    validate(reply, "sellers", "GetMarketplaceParticipationsResponse")
    [error] = reply.json["errors"]
    assert error["code"] == "Unauthorized"
    assert "denied" in error["message"]


def test_an_access_token_expires_after_an_hour_of_simulated_time(amazon):
    sandbox, base = amazon
    client = SPAPI(base).login()
    assert client.get(PARTICIPATIONS).status == 200
    sandbox.clock.advance(TOKEN_LIFETIME + 1)
    reply = client.get(PARTICIPATIONS)
    assert reply.status == 403
    [error] = reply.json["errors"]
    assert error["code"] == "Unauthorized"
    assert "expired" in error["message"]
    assert client.login().get(PARTICIPATIONS).status == 200  # a fresh token works again


def test_a_token_outlives_a_simulated_hour_that_passes_in_real_time_at_a_high_scale(sandbox_factory):
    # A client caching the token for `expires_in` seconds of its own clock never gets a 403 for it.
    sandbox, base = sandbox_factory(amazon_orders=10, shopify_orders=5, time_scale=100_000)
    client = SPAPI(base).login()
    start = sandbox.clock.now()
    time.sleep(0.05)
    assert sandbox.clock.now() - start > TOKEN_LIFETIME  # over an hour of simulated time went by
    assert client.get(PARTICIPATIONS).status == 200


def test_marketplace_participations_match_the_model(amazon):
    _, base = amazon
    reply = SPAPI(base).login().get(PARTICIPATIONS)
    assert reply.status == 200
    validate(reply, "sellers", "GetMarketplaceParticipationsResponse")
    ids = [p["marketplace"]["id"] for p in reply.json["payload"]]
    assert ids == ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]
    assert reply.headers["x-amzn-ratelimit-limit"] == "0.16"  # 0.016 per simulated second, × 10


def test_restricted_data_token_unlocks_buyer_data_for_its_paths_only(amazon):
    sandbox, base = amazon
    client = SPAPI(base).login()
    order_id = sandbox.amazon.world.seller.orders[0].order_id
    plain = client.get(f"/orders/v0/orders/{order_id}")
    assert plain.status == 200 and "BuyerEmail" not in plain.json["payload"]["BuyerInfo"]
    reply = client.call(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        body={"restrictedResources": [{"method": "GET", "path": "/orders/v0/orders/{orderId}"}]},
    )
    assert reply.status == 200
    validate(reply, "tokens_2021-03-01", "CreateRestrictedDataTokenResponse")
    assert reply.json["expiresIn"] == 3600
    restricted = SPAPI(base, token=reply.json["restrictedDataToken"])
    order = restricted.get(f"/orders/v0/orders/{order_id}")
    assert order.status == 200
    assert "@marketplace.amazon." in order.json["payload"]["BuyerInfo"]["BuyerEmail"]
    assert restricted.get(PARTICIPATIONS).status == 403  # not a path the token names

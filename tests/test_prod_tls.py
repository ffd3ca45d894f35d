"""The prod environment against a Postgres that requires TLS and a password, configured as .env does:
the loader and dbt over every SSL mode a user needs, and one line for every way a connection fails."""

from __future__ import annotations

import pytest
from tls_postgres import LOGIN, TlsFront, make_certificates, require_password

from conftest import free_port, meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
PASSWORD = "s3cret-Pa55word"  # the test server's own


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def front(warehouse, certificates):
    require_password(warehouse, PASSWORD)
    with TlsFront(warehouse.port, certificates).running() as server:
        yield server


@pytest.fixture(scope="module")
def sandbox():
    with running(Sandbox(SandboxOptions(shopify_orders=40, time_scale=500))) as url:
        yield url


@pytest.fixture(scope="module")
def prod(sandbox, warehouse, front, tmp_path_factory):
    """The prod environment from .env-style variables, its warehouse the TLS front, its shop the sandbox's."""
    state = tmp_path_factory.mktemp("meltano")

    def env(**warehouse_vars: str) -> dict[str, str]:
        base = pipeline_env(sandbox, warehouse, state, amazon_days=3)
        for name in ("TARGET_POSTGRES_PORT", "DBT_POSTGRES_PORT"):
            base.pop(name)
        base.update(
            MELTANO_ENVIRONMENT="prod",
            SHOPIFY_SHOP=SHOP,
            SHOPIFY_ACCESS_TOKEN="shpat_sandbox",  # the sandbox's demo token
            SHOPIFY_START_DATE="2020-01-01T00:00:00Z",
            WAREHOUSE_HOST="localhost",
            WAREHOUSE_PORT=str(front.port),
            WAREHOUSE_USER=LOGIN,
            WAREHOUSE_PASSWORD=PASSWORD,
            WAREHOUSE_DATABASE="stratus",
            WAREHOUSE_SSLMODE="require",
            WAREHOUSE_SSLROOTCERT="",
        )
        base.update(warehouse_vars)
        return base

    return env


def test_prod_pipeline_over_verify_full_with_the_ca_as_text_builds_the_marts(prod, certificates, warehouse):
    env = prod(WAREHOUSE_SSLMODE="verify-full", WAREHOUSE_SSLROOTCERT=certificates.ca.read_text())
    meltano(env, "run", "tap-shopify", "target-postgres", "dbt-postgres:hourly")
    [(marts, raw_live, owner)] = query(
        warehouse,
        "select (select count(*) from warehouse.orders), (select count(*) from raw_shopify.orders"
        " where _sdc_deleted_at is null), (select schema_owner from information_schema.schemata"
        " where schema_name = 'warehouse')",
    )
    assert marts > 0 and marts == raw_live
    assert owner == LOGIN


MODES = [
    pytest.param("require", None, id="require"),
    pytest.param("verify-ca", "path", id="verify-ca-path"),
    pytest.param("verify-full", "path", id="verify-full-path"),
    pytest.param("verify-full", "escaped", id="verify-full-text-one-line"),
]


@pytest.mark.parametrize(("mode", "ca"), MODES)
def test_both_plugins_connect_in_every_ssl_mode(prod, certificates, mode, ca):
    pem = certificates.ca.read_text()
    root = {None: "", "path": str(certificates.ca), "escaped": pem.replace("\n", "\\n")}[ca]
    env = prod(WAREHOUSE_SSLMODE=mode, WAREHOUSE_SSLROOTCERT=root, TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="raw_probe")
    loader = meltano(env, "invoke", "target-postgres", check=False)
    assert loader.returncode == 0, loader.stderr[-2000:]
    dbt = meltano(env, "invoke", "dbt-postgres:debug", check=False)
    assert dbt.returncode == 0, dbt.stdout[-3000:] + dbt.stderr[-2000:]
    assert "All checks passed" in dbt.stdout + dbt.stderr


def one_failure_line(result, plugin: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "│" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if f"{plugin}: " in line]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


FAILURES = [
    pytest.param({"WAREHOUSE_PASSWORD": "wrong"}, "password authentication failed", id="wrong-password"),
    pytest.param({"WAREHOUSE_DATABASE": "nowhere"}, 'database "nowhere" does not exist', id="wrong-database"),
    pytest.param({"WAREHOUSE_PORT": "refused"}, "Connection refused", id="refused-port"),
    pytest.param({"WAREHOUSE_SSLMODE": "disable"}, "accepts TLS connections only", id="plain-against-tls-only"),
    pytest.param(
        {"WAREHOUSE_SSLMODE": "verify-ca", "WAREHOUSE_SSLROOTCERT": "other"}, "certificate verify failed", id="wrong-ca"
    ),
]


@pytest.mark.parametrize(("change", "cause"), FAILURES)
@pytest.mark.parametrize("plugin", ["target-postgres", "dbt-postgres"])
def test_every_connection_failure_is_one_line_naming_the_server(prod, front, certificates, change, cause, plugin):
    change = dict(change)
    if change.get("WAREHOUSE_PORT") == "refused":
        change["WAREHOUSE_PORT"] = str(free_port())
    if change.get("WAREHOUSE_SSLROOTCERT") == "other":
        change["WAREHOUSE_SSLROOTCERT"] = str(certificates.other_ca)
    env = prod(**change, TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="raw_probe")
    command = "target-postgres" if plugin == "target-postgres" else "dbt-postgres:debug"
    line = one_failure_line(meltano(env, "invoke", command, check=False), plugin)
    port = change.get("WAREHOUSE_PORT", str(front.port))
    database = change.get("WAREHOUSE_DATABASE", "stratus")
    assert f"cannot connect to Postgres at localhost:{port}/{database}" in line
    assert cause in line


def test_prod_settings_left_unset_are_named_one_line_each(prod):
    env = prod(WAREHOUSE_HOST="", WAREHOUSE_USER="", WAREHOUSE_SSLMODE="verify-full")
    for command, plugin in (("target-postgres", "target-postgres"), ("dbt-postgres:debug", "dbt-postgres")):
        result = meltano(env, "invoke", command, check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in output
        for setting, variable in (("host", "WAREHOUSE_HOST"), ("user", "WAREHOUSE_USER")):
            assert f"{plugin}: setting {setting}: is not set (prod: {variable})" in output
        root, mode = ("ssl_root_cert", "ssl_mode") if plugin == "target-postgres" else ("sslrootcert", "sslmode")
        assert f"{plugin}: setting {root}: is not set; {mode} verify-full needs" in output

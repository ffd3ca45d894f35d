"""The suite is sealed off from the developer's checkout: their `.env`, their shell's
credentials, the project's Meltano run directory and pytest's shared temporary directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from conftest import PRIVATE_PREFIXES, ROOT, Session, meltano, pipeline_env, sealed_environ

# What a developer with a filled-in .env and a configured shell has, none of which a test may see.
PLANTED = {
    "TAP_SHOPIFY_ACCESS_TOKEN": "shpat_from_the_shell",
    "SHOPIFY_ACCESS_TOKEN": "shpat_real",
    "SHOPIFY_SHOP": "real-store.myshopify.com",
    "AMAZON_REFRESH_TOKEN": "Atzr|real",
    "WAREHOUSE_HOST": "db.example.org",
    "WAREHOUSE_SSLMODE": "require",
    "TARGET_POSTGRES_HOST": "db.example.org",
    "DBT_POSTGRES_PASSWORD": "real",
    "MELTANO_DATABASE_URI": "postgresql://real@db.example.org/meltano",
    "MELTANO_ENVIRONMENT": "prod",
    "PGPASSWORD": "real",
    "STRATUS_WAREHOUSE_PORT": "5432",
    "HTTPS_PROXY": "http://proxy.example.org:3128",
    "no_proxy": "*",
}
# The same, for the runs below that show what the seal stops: without a system database or
# proxy that would send Meltano to a real host.
UNSEALED = {k: v for k, v in PLANTED.items() if k not in ("MELTANO_DATABASE_URI", "HTTPS_PROXY", "no_proxy")}
DOTENV = "".join(f"{k}={v}\n" for k, v in UNSEALED.items())
OURS = {"MELTANO_SYS_DIR_ROOT", "MELTANO_SEND_ANONYMOUS_USAGE_STATS", "DBT_SEND_ANONYMOUS_USAGE_STATS"}


def test_the_suite_runs_sealed(tmp_path_factory):
    leaked = {k for k in os.environ if k.upper().startswith(PRIVATE_PREFIXES)} - OURS
    assert not leaked
    # Its own temporary and Meltano system directories, under a directory no other session shares.
    assert tmp_path_factory.getbasetemp().is_relative_to(Session.dir)
    assert Path(os.environ["MELTANO_SYS_DIR_ROOT"]) == Session.meltano_dir
    assert Session.dir.name.startswith("stratus-test-")
    # Every proxy is a port that refuses, so a request for any host but loopback fails at once.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        assert os.environ[name].startswith("http://127.0.0.1:")
    with pytest.raises(requests.exceptions.ProxyError):
        requests.get("https://shop.invalid/admin/api/graphql.json", timeout=5)


def test_planted_credentials_never_reach_a_test():
    """The same check, in a fresh pytest session started with a shell full of credentials."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", f"{__file__}::test_the_suite_runs_sealed", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, **PLANTED},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout


def test_sealed_environ_drops_every_planted_setting():
    env = sealed_environ({**PLANTED, "PATH": "/usr/bin", "HOME": "/home/seller"})
    assert not set(PLANTED) & set(env) - {"HTTPS_PROXY", "no_proxy"}
    assert env["HTTPS_PROXY"] != PLANTED["HTTPS_PROXY"]
    assert env["no_proxy"] == "127.0.0.1,localhost"
    assert env["PATH"] == "/usr/bin"


def dev_access_token(env: dict[str, str], project: Path, read_dotenv: bool = False) -> str:
    args = ("--environment", "dev", "config", "--unsafe", "print", "tap-shopify")
    result = meltano(env, *args, cwd=project, read_dotenv=read_dotenv)
    return str(json.loads(result.stdout)["access_token"])


def test_meltano_reads_neither_dotenv_nor_shell_credentials(tmp_path):
    # A scratch project: the real meltano.yml next to a filled-in .env.
    shutil.copy(ROOT / "meltano.yml", tmp_path / "meltano.yml")
    (tmp_path / ".env").write_text(DOTENV.replace("shpat_from_the_shell", "shpat_from_dotenv"))
    env = dict(os.environ)
    # Without the seal, both would win over the sandbox token (as they should for a user).
    assert dev_access_token(env, tmp_path, read_dotenv=True) == "shpat_from_dotenv"
    assert dev_access_token({**env, **UNSEALED}, tmp_path) == "shpat_from_the_shell"
    # With it, the dev environment's sandbox token.
    assert dev_access_token(env, tmp_path) == "shpat_sandbox"
    assert dev_access_token(sealed_environ({**env, **UNSEALED}), tmp_path) == "shpat_sandbox"


def test_meltano_runs_in_the_session_run_directory():
    """Plugin venvs are the project's; run/ (catalogs, state files) is the session's own."""
    result = meltano(dict(os.environ), "--environment", "dev", "invoke", "tap-shopify", "--about", "--format", "json")
    assert json.loads(result.stdout)["name"] == "tap-shopify"
    assert (Session.meltano_dir / "extractors").resolve() == (ROOT / ".meltano" / "extractors").resolve()
    assert (Session.meltano_dir / "run").is_dir() and not (Session.meltano_dir / "run").is_symlink()
    assert (Session.meltano_dir / "run" / "tap-shopify").is_dir()


def test_dbt_writes_in_the_session_directory(tmp_path):
    """dbt's target and logs (manifest, partial-parse cache, compiled SQL) are the session's own,
    so neither another run nor a parallel worker shares them; test_warehouse reads its catalog there."""
    env = pipeline_env("http://127.0.0.1:9", SimpleNamespace(port=1), tmp_path, amazon_days=1)  # type: ignore[arg-type]
    for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        path = Path(env[name])
        assert path.is_relative_to(Session.dir) and path.is_relative_to(Session.dbt_dir), name
        assert not path.is_relative_to(ROOT)

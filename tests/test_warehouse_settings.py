"""Every mistyped warehouse setting of the loader and of dbt stops with one line naming it (no
traceback, nothing connected); the wrappers check them all before any work."""

from __future__ import annotations

import os

import pytest

from conftest import ROOT, meltano

BAD_PEM = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"

CASES = {
    "target-postgres": (
        {
            "TARGET_POSTGRES_PORT": "54x2",
            "TARGET_POSTGRES_SSL_MODE": "required",
            "TARGET_POSTGRES_SSL_ROOT_CERT": BAD_PEM,
            "TARGET_POSTGRES_BATCH_SIZE_ROWS": "ten",
            "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": "",
            "TARGET_POSTGRES_ADD_RECORD_METADATA": "false",
        },
        [
            "setting port: must be a whole number from 1 to 65535, got '54x2' (prod: WAREHOUSE_PORT)",
            "setting ssl_mode: must be one of disable, allow, prefer, require, verify-ca, verify-full, got 'required'",
            "setting ssl_root_cert: is not a PEM CA certificate",
            "setting batch_size_rows: must be a whole number from 1 to 1000000, got 'ten'",
            "setting default_target_schema: is not set",
            "setting add_record_metadata: must stay true",
        ],
    ),
    "dbt-postgres:hourly": (
        {
            "DBT_POSTGRES_PORT": "0",
            "DBT_POSTGRES_SSLMODE": "verify-full",
            "DBT_POSTGRES_SSLROOTCERT": "certs/missing.crt",
            "DBT_POSTGRES_DBNAME": "",
            "DBT_POSTGRES_SCHEMA": "",
            "DBT_POSTGRES_PROFILES_DIR": "/",
        },
        [
            "setting port: must be a whole number from 1 to 65535, got '0' (prod: WAREHOUSE_PORT)",
            f"setting sslrootcert: no such file '{ROOT / 'certs/missing.crt'}'",
            "setting dbname: is not set (prod: WAREHOUSE_DATABASE)",
            "setting schema: is not set",
            "setting profiles_dir: '/' holds no profiles.yml",
        ],
    ),
}


@pytest.mark.parametrize("command", list(CASES))
def test_every_mistyped_setting_is_one_line_naming_it(command, tmp_path):
    changes, expected = CASES[command]
    env = {**os.environ, "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}", **changes}
    result = meltano(env, "invoke", command, check=False)
    output = result.stdout + result.stderr
    plugin = command.split(":")[0]
    assert result.returncode != 0
    assert "Traceback" not in output and "│" not in output, output[-3000:]
    lines = [line.split(f"{plugin}: ", 1)[1] for line in output.splitlines() if f"{plugin}: setting " in line]
    assert len(lines) == len(expected), output[-3000:]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)

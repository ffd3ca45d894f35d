"""`stratus-target-postgres`: check the loader's settings, reach the warehouse, then run target-postgres.

TLS goes to libpq through PGSSLMODE / PGSSLROOTCERT; the target's own ssl_enable path stays off
(it always writes a CA file under .secrets/, which breaks any run that gives no CA file).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stratus_postgres.connect import connect, exit_with, libpq_env, private_dir, root_cert_path, write_private
from stratus_postgres.settings import Checker, SettingsError

PLUGIN = "target-postgres"
# Our TLS settings, read here and never passed to the target.
OWN_SETTINGS = ("ssl_mode", "ssl_root_cert", "ssl_enable")
BOOLEANS = ("add_record_metadata", "hard_delete", "validate_records", "use_copy")
INFO_FLAGS = ("--about", "--help", "--version")


def config_paths(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--config" and argv[i + 1] != "ENV"]


def load_config(paths: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for path in paths:
        try:
            config.update(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as exc:
            raise SettingsError([f"{PLUGIN}: cannot read its config file {path}: {exc}"]) from exc
    return config


def boolean(checker: Checker, config: Mapping[str, Any], name: str) -> bool | None:
    value = config.get(name)
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    checker.problem(name, f"must be true or false, got {value!r}")
    return None


def checked_config(config: dict[str, Any], checker: Checker) -> tuple[Any, dict[str, Any]]:
    """The connection and the config the target gets: typed values, TLS left to libpq."""
    connection = checker.connection(config, Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd()))
    if boolean(checker, config, "ssl_enable"):
        checker.problem("ssl_enable", "must stay false; set ssl_mode and ssl_root_cert for TLS instead")
    target = {key: value for key, value in config.items() if key not in OWN_SETTINGS}
    target.update(port=connection.port, ssl_enable=False)
    if not config.get("default_target_schema"):
        # In a pipeline Meltano names the extractor's load_schema here; reading it at run time
        # rather than through `$MELTANO_EXTRACT__LOAD_SCHEMA` in meltano.yml keeps `meltano config`
        # working under strict env var mode, where that variable is unset outside a pipeline.
        config["default_target_schema"] = target["default_target_schema"] = os.environ.get(
            "MELTANO_EXTRACT__LOAD_SCHEMA", ""
        )
    checker.text(config, "default_target_schema")
    if "batch_size_rows" in config:
        target["batch_size_rows"] = checker.integer(config, "batch_size_rows", 1, 1_000_000, 10_000)
    for name in BOOLEANS:
        if name in config:
            target[name] = boolean(checker, config, name)
    if target.get("add_record_metadata") is False:
        # dbt's staging reads _sdc_batched_at and _sdc_deleted_at, and the target needs them to
        # process the taps' ACTIVATE_VERSION messages.
        checker.problem("add_record_metadata", "must stay true: the warehouse models read the _sdc_* columns")
    checker.raise_any()
    return connection, target


def run_target(argv: list[str]) -> None:
    from stratus_postgres.quiet import QuietTargetPostgres  # noqa: PLC0415  # the target's venv only

    QuietTargetPostgres.cli.main(args=argv, prog_name=PLUGIN)


def load(argv: list[str], paths: list[str]) -> int:
    connection, target_config = checked_config(load_config(paths), Checker(PLUGIN))
    with private_dir() as directory:
        root_cert = root_cert_path(connection, directory)
        connect(connection, root_cert, PLUGIN).close()
        os.environ.update(libpq_env(connection, root_cert))
        config_file = write_private(directory, "config.json", json.dumps(target_config))
        rest = [arg for i, arg in enumerate(argv) if arg != "--config" and (i == 0 or argv[i - 1] != "--config")]
        try:
            run_target(["--config", config_file, *rest])
        except Exception as exc:  # any failure of the target ends in one line
            if os.environ.get("STRATUS_TRACEBACK"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            print(
                f"{PLUGIN}: stopped loading: {type(exc).__name__}: {first} (batches written before this stay "
                "loaded; set STRATUS_TRACEBACK=1 to see where)",
                file=sys.stderr,
            )
            return 1
    return 0


def main() -> None:
    argv = sys.argv[1:]
    paths = config_paths(argv)
    if not paths or any(flag in argv for flag in INFO_FLAGS):
        run_target(argv)
        return
    exit_with(lambda: load(argv, paths))


if __name__ == "__main__":
    main()

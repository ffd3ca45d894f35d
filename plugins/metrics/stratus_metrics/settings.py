"""The utility's settings, each checked with one line naming it (stratus-postgres's checker)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from stratus_postgres.settings import Checker, Connection

PLUGIN = "stratus-metrics"
# Meltano passes settings as STRATUS_METRICS_<NAME>; the connection settings are named as dbt-postgres's.
PREFIX = "STRATUS_METRICS_"
NAMES = {"database": "dbname", "ssl_mode": "sslmode", "ssl_root_cert": "sslrootcert"}
CONNECTION = ("host", "port", "user", "password", "dbname", "sslmode", "sslrootcert")
DEFAULT_LISTEN_PORT = 9466


@dataclass(frozen=True)
class Settings:
    connection: Connection
    bind: str
    listen_port: int


def setting(name: str) -> str | None:
    return os.environ.get(PREFIX + name.upper())


def load(*, serving: bool) -> Settings:
    """The settings from the environment; SettingsError lists every problem, one line each."""
    checker = Checker(PLUGIN, NAMES)
    config = {name: setting(name) for name in (*CONNECTION, "bind", "listen_port")}
    project_root = Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())
    connection = checker.connection(config, project_root)
    listen_port = checker.integer(config, "listen_port", 1, 65535, DEFAULT_LISTEN_PORT)
    bind = (config["bind"] or "127.0.0.1").strip()
    if serving:
        try:
            socket.getaddrinfo(bind, listen_port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            checker.problem("bind", f"{bind!r} is not an address of this machine's to listen on ({exc})")
    checker.raise_any()
    return Settings(connection=connection, bind=bind, listen_port=listen_port)

"""Connect to the warehouse through libpq, with every failure turned into one line."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import psycopg2

from stratus_postgres.settings import Connection, SettingsError

CONNECT_TIMEOUT_SECONDS = 10


class ConnectError(Exception):
    """The warehouse could not be reached; the message is one line."""


def exit_with(work: Callable[[], int]) -> NoReturn:
    """Exit with work's code; bad settings exit 2 and an unreachable warehouse 1, in their one-line messages."""
    try:
        code = work()
    except SettingsError as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        sys.exit(2)
    except ConnectError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    sys.exit(code)


@contextmanager
def private_dir() -> Iterator[Path]:
    """A fresh 0700 directory for files holding secrets (a CA, a config with the password), removed after."""
    directory = tempfile.mkdtemp(prefix="stratus-postgres-")
    try:
        yield Path(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def write_private(directory: Path, name: str, text: str) -> str:
    """Write text to a new 0600 file and return its path."""
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return str(path)


def root_cert_path(connection: Connection, directory: Path) -> str | None:
    """The sslrootcert value for libpq: the CA file, "system", or PEM text written to a private file."""
    cert = connection.root_cert
    if cert is None:
        return None
    if cert.pem is not None:
        return write_private(directory, "root.crt", cert.pem if cert.pem.endswith("\n") else cert.pem + "\n")
    return "system" if cert.system else cert.path


def libpq_env(connection: Connection, root_cert: str | None) -> dict[str, str]:
    """PGSSLMODE / PGSSLROOTCERT: libpq reads them whenever the connection string names neither."""
    env = {"PGSSLMODE": connection.ssl_mode}
    if root_cert:
        env["PGSSLROOTCERT"] = root_cert
    return env


def connect(connection: Connection, root_cert: str | None, plugin: str, **options: Any) -> Any:
    """A psycopg2 connection, or ConnectError naming host:port/database and the cause."""
    extra = {"sslrootcert": root_cert} if root_cert else {}
    try:
        return psycopg2.connect(
            host=connection.host,
            port=connection.port,
            user=connection.user,
            password=connection.password,
            dbname=connection.database,
            sslmode=connection.ssl_mode,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name=f"stratus {plugin}",
            **extra,
            **options,
        )
    except psycopg2.Error as exc:
        raise ConnectError(
            f"{plugin}: cannot connect to Postgres at {connection.where} as {connection.user}: {cause(str(exc))}"
        ) from exc


# Known libpq causes and what the user can do about each.
HINTS = (
    ("Connection refused", "is the server running, and are host and port right?"),
    ("could not translate host name", "check host"),
    ("timeout expired", f"no answer within {CONNECT_TIMEOUT_SECONDS} s: check host and port, or a firewall"),
    ("password authentication failed", "check user and password"),
    ("no password supplied", "the server asks for a password: set password"),
    ("certificate verify failed", "the server's certificate is not signed by the CA in ssl_root_cert"),
    ("does not match host name", "verify-full checks the host name against the server's certificate"),
    ("server does not support SSL", "the server offers no TLS: ssl_mode must be disable or prefer for it"),
    ("does not exist", "check database"),
)


def cause(message: str) -> str:
    """The first failure libpq reports, stripped of its 'connection to server at ... failed:' prefix."""
    first = next((line.strip() for line in message.splitlines() if line.strip()), message.strip())
    first = re.sub(r"^connection to server at .*?failed:\s*", "", first)
    first = re.sub(r"^(FATAL|ERROR):\s+", "", first)
    advice = next((advice for needle, advice in HINTS if needle in message), None)
    return f"{first} ({advice})" if advice else first

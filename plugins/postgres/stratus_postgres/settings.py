"""Check a plugin's warehouse settings; every problem is one line naming the setting."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html).
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
VERIFYING_MODES = ("verify-ca", "verify-full")
# The prod environment (meltano.yml) fills each connection setting from one of these.
PROD_VARIABLES = {
    "host": "WAREHOUSE_HOST",
    "port": "WAREHOUSE_PORT",
    "user": "WAREHOUSE_USER",
    "password": "WAREHOUSE_PASSWORD",
    "database": "WAREHOUSE_DATABASE",
    "ssl_mode": "WAREHOUSE_SSLMODE",
    "ssl_root_cert": "WAREHOUSE_SSLROOTCERT",
}


class SettingsError(Exception):
    """One or more bad settings, each already phrased as one line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class RootCert:
    """Where the CA comes from: a file, PEM text to write to a private file, or the system store."""

    path: str | None = None
    pem: str | None = None
    system: bool = False


@dataclass(frozen=True)
class Connection:
    host: str
    port: int
    user: str
    password: str
    database: str
    ssl_mode: str
    root_cert: RootCert | None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"


class Checker:
    """Collects problems with one plugin's settings; `names` maps each field to the plugin's setting name."""

    def __init__(self, plugin: str, names: Mapping[str, str] | None = None) -> None:
        self.plugin = plugin
        self.names = dict(names or {})
        self.problems: list[str] = []

    def name(self, field: str) -> str:
        return self.names.get(field, field)

    def problem(self, field: str, what: str) -> None:
        hint = f" (prod: {PROD_VARIABLES[field]})" if field in PROD_VARIABLES else ""
        self.problems.append(f"{self.plugin}: setting {self.name(field)}: {what}{hint}")

    def raise_any(self) -> None:
        if self.problems:
            raise SettingsError(self.problems)

    def text(self, config: Mapping[str, Any], field: str, *, required: bool = True) -> str:
        value = config.get(self.name(field))
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(field, "is not set")
            return ""
        if not isinstance(value, str):
            self.problem(field, f"must be text, got {value!r}")
            return ""
        return value.strip()

    def integer(self, config: Mapping[str, Any], field: str, low: int, high: int, default: int) -> int:
        value = config.get(self.name(field))
        if value is None or value == "":
            return default
        text = str(value).strip()
        if isinstance(value, bool) or not text.lstrip("-").isdigit() or not low <= int(text) <= high:
            self.problem(field, f"must be a whole number from {low} to {high}, got {value!r}")
            return default
        return int(text)

    def option(self, config: Mapping[str, Any], field: str, options: tuple[str, ...], default: str) -> str:
        value = config.get(self.name(field))
        if value is None or value == "":
            return default
        if value not in options:
            self.problem(field, f"must be one of {', '.join(options)}, got {value!r}")
            return default
        return str(value)

    def root_cert(self, config: Mapping[str, Any], field: str, ssl_mode: str, project_root: Path) -> RootCert | None:
        value = config.get(self.name(field))
        if value is None or (isinstance(value, str) and not value.strip()):
            if ssl_mode in VERIFYING_MODES:
                self.problem(
                    field,
                    f"is not set; {self.name('ssl_mode')} {ssl_mode} needs the server's CA (a file path or PEM text)",
                )
            return None
        text = str(value).strip()
        if text == "system":
            return RootCert(system=True)
        if "-----BEGIN" in text:
            # .env files often carry a PEM on one line with literal \n.
            pem = text.replace("\\n", "\n") if "\n" not in text else text
            return RootCert(pem=pem) if self._loads(field, pem=pem) else None
        path = Path(text).expanduser()
        path = path if path.is_absolute() else project_root / path
        if not path.is_file():
            self.problem(field, f"no such file {str(path)!r} (give a CA file path or the PEM text itself)")
            return None
        return RootCert(path=str(path)) if self._loads(field, path=str(path)) else None

    def _loads(self, field: str, *, pem: str | None = None, path: str | None = None) -> bool:
        """The CA must parse as PEM certificates; libpq would otherwise fail later and less clearly."""
        try:
            ssl.create_default_context(cafile=path, cadata=pem)
        except (ssl.SSLError, ValueError, OSError) as exc:
            self.problem(field, f"is not a PEM CA certificate ({exc.__class__.__name__}: {exc})")
            return False
        return True

    def connection(self, config: Mapping[str, Any], project_root: Path) -> Connection:
        ssl_mode = self.option(config, "ssl_mode", SSL_MODES, "prefer")
        return Connection(
            host=self.text(config, "host"),
            port=self.integer(config, "port", 1, 65535, 5432),
            user=self.text(config, "user"),
            password=str(config.get(self.name("password")) or ""),
            database=self.text(config, "database"),
            ssl_mode=ssl_mode,
            root_cert=self.root_cert(config, "ssl_root_cert", ssl_mode, project_root),
        )

"""A TLS-only, password-protected Postgres for tests, from the embedded warehouse.

The embedded server's build has no SSL, so a small front listens on its own port: it answers
Postgres's SSLRequest with 'S', completes the TLS handshake with a certificate for localhost and
127.0.0.1 signed by a throwaway CA, and then relays bytes to the embedded server. A client that
starts without TLS gets a FATAL error, as from a server whose pg_hba.conf has only hostssl lines.
The password check is the embedded server's own (scram-sha-256 for one login role).
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from stratus_warehouse import Warehouse

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
LOGIN = "loader"


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA that signed the server's certificate
    other_ca: Path  # a CA that did not
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_certificates(directory: Path) -> Certificates:
    """A CA, a server certificate it signs for localhost and 127.0.0.1, and an unrelated CA."""
    ca_key, ca_cert = _ca("stratus test CA")
    _, other_cert = _ca("some other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = Certificates(
        directory / "ca.crt", directory / "other-ca.crt", directory / "server.crt", directory / "server.key"
    )
    paths.ca.write_bytes(ca_cert.public_bytes(pem))
    paths.other_ca.write_bytes(other_cert.public_bytes(pem))
    paths.cert.write_bytes(cert.public_bytes(pem))
    paths.key.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    paths.key.chmod(0o600)
    return paths


def _error_response(message: str) -> bytes:
    fields = b"".join(
        code + text.encode() + b"\0"
        for code, text in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", "28000"), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


class TlsFront:
    """Listens on 127.0.0.1:<port>, TLS only, and relays to the embedded server on backend_port."""

    def __init__(self, backend_port: int, certificates: Certificates) -> None:
        self.backend_port = backend_port
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificates.cert, certificates.key)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            length, code = struct.unpack("!II", await reader.readexactly(8))
            if length == 8 and code == GSSENC_REQUEST:  # no GSSAPI here; the client then asks for TLS
                writer.write(b"N")
                await writer.drain()
                length, code = struct.unpack("!II", await reader.readexactly(8))
            if not (length == 8 and code == SSL_REQUEST):
                writer.write(_error_response("this server accepts TLS connections only"))
                await writer.drain()
                writer.close()
                return
            writer.write(b"S")
            await writer.drain()
            await writer.start_tls(self.context)
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
            await asyncio.gather(_pump(reader, backend_writer), _pump(backend_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, OSError):
            writer.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())

    @contextmanager
    def running(self) -> Iterator[TlsFront]:
        thread = threading.Thread(target=self._serve, daemon=True)
        thread.start()
        self._ready.wait(10)
        try:
            yield self
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            thread.join(10)


def require_password(warehouse: Warehouse, password: str) -> None:
    """A login role that must give its password (scram-sha-256) and owns the warehouse database."""
    hba = warehouse.pgdata / "pg_hba.conf"
    hba.write_text(f"host all {LOGIN} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    with psycopg.connect(warehouse.url(), autocommit=True) as conn:
        conn.execute(f"create role {LOGIN} login password '{password}'")
        conn.execute(f"alter database stratus owner to {LOGIN}")
        conn.execute("select pg_reload_conf()")

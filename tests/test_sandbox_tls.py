"""`python -m sandbox serve` over HTTPS with a certificate and key given on the command line,
and a bad TLS setting refused in one line."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from tls_postgres import make_certificates

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(*args: str) -> list[str]:
    return [sys.executable, "-m", "sandbox", "serve", "--shopify-orders", "5", "--amazon-orders", "5", *args]


def test_serve_answers_over_https_with_the_given_certificate(tmp_path):
    certs = make_certificates(tmp_path)
    port = _free_port()
    proc = subprocess.Popen(
        _serve("--port", str(port), "--tls-cert", str(certs.cert), "--tls-key", str(certs.key)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    trust = ssl.create_default_context(cafile=str(certs.ca))
    try:
        health = None
        deadline = time.monotonic() + 120
        while health is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{port}/_sandbox/health", context=trust) as resp:
                    health = json.load(resp)
            except OSError:
                time.sleep(0.2)
        assert health is not None, f"no HTTPS answer; exit {proc.poll()}"
        assert health["ok"] and health["amazon"]["api_url"] == f"https://127.0.0.1:{port}/sp-api"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert f"on https://127.0.0.1:{port}" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tls-cert", "{cert}"), "--tls-key: needed with the other one"),
        (("--tls-cert", "{dir}/missing.crt", "--tls-key", "{key}"), "--tls-cert: no such file"),
        (
            ("--tls-cert", "{ca}", "--tls-key", "{key}"),
            "--tls-cert/--tls-key: not a PEM certificate and its private key",
        ),
    ],
)
def test_a_bad_tls_setting_is_refused_in_one_line(tmp_path, args, message):
    certs = make_certificates(tmp_path)
    paths = {"cert": certs.cert, "key": certs.key, "ca": certs.ca, "dir": tmp_path}
    argv = _serve("--port", str(_free_port()), *(a.format(**paths) for a in args))
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"sandbox: {message}")

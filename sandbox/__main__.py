"""`python -m sandbox serve|start|stop|status`: run the API stand-ins.

`serve` runs in the foreground; `start` runs it in the background (reusing one that is
already up) and waits until it answers; `stop` stops it. With `--tls-cert` and `--tls-key`
(PEM files) it serves HTTPS instead of HTTP, for clients that only speak HTTPS.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sandbox.amazon.data import MARKETPLACES
from sandbox.server import DEFAULT_HOST, DEFAULT_PORT, Sandbox, SandboxOptions, make_server
from sandbox.shopify.schema import available_versions, load_schema

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".stratus"
PID_FILE = STATE_DIR / "sandbox.pid"
LOG_FILE = STATE_DIR / "sandbox.log"


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "start"):
        cmd = sub.add_parser(name, help=f"{name} the sandbox")
        cmd.add_argument("--port", type=int, default=int(os.environ.get("STRATUS_SANDBOX_PORT", DEFAULT_PORT)))
        cmd.add_argument("--seed", type=int, default=42, help="seed of the generated data")
        cmd.add_argument("--shopify-orders", type=_positive_int, default=400, help="orders per Shopify shop")
        cmd.add_argument("--days", type=_positive_int, default=90, help="days of history before today")
        cmd.add_argument("--time-scale", type=_positive_float, default=1.0, help="simulated seconds per real second")
        cmd.add_argument("--shop", action="append", dest="shops", help="a shop domain to serve (repeatable)")
        cmd.add_argument(
            "--shopify-bucket-size", type=_positive_float, default=2000.0, help="Shopify cost bucket size in points"
        )
        cmd.add_argument(
            "--shopify-restore-rate",
            type=_positive_float,
            default=100.0,
            help="points the Shopify cost bucket restores per second",
        )
        cmd.add_argument(
            "--realtime-bucket",
            action="store_true",
            help="Shopify cost buckets drain and restore in real seconds whatever the time scale",
        )
        cmd.add_argument("--amazon-orders", type=_positive_int, default=300, help="orders of the Amazon seller")
        cmd.add_argument(
            "--amazon-live-orders-per-day",
            type=_non_negative_float,
            default=0.0,
            help="Amazon orders a day that keep arriving as simulated time passes (default: none)",
        )
        cmd.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate (chain)")
        cmd.add_argument("--tls-key", type=Path, help="the PEM private key of --tls-cert")
        cmd.add_argument(
            "--amazon-marketplace",
            action="append",
            dest="amazon_marketplaces",
            choices=sorted(MARKETPLACES),
            help="a marketplace id the Amazon seller sells in (repeatable; default: all)",
        )
        cmd.add_argument(
            "--no-shipbob", action="store_true", help="do not serve ShipBob (the 3PL fulfilling the Shopify orders)"
        )
        cmd.add_argument(
            "--no-freeagent", action="store_true", help="do not serve FreeAgent (the seller's books and bank feed)"
        )
    for name in ("stop", "status"):
        cmd = sub.add_parser(name, help=f"{name} the background sandbox")
        cmd.add_argument("--port", type=int, default=int(os.environ.get("STRATUS_SANDBOX_PORT", DEFAULT_PORT)))
    return parser


def _health(port: int) -> dict[str, Any] | None:
    """The health of the sandbox on `port`, over HTTP or HTTPS, whichever it serves."""
    # Our own server on the loopback, whatever certificate it was given: no verification.
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    for scheme in ("http", "https"):
        try:
            url = f"{scheme}://{DEFAULT_HOST}:{port}/_sandbox/health"
            with urllib.request.urlopen(url, timeout=1, context=unverified) as resp:  # noqa: S310 - our own
                health = json.load(resp)
        except (OSError, ValueError, http.client.HTTPException):
            continue
        return health if isinstance(health, dict) and health.get("ok") else None
    return None


def _healthy(port: int) -> bool:
    return _health(port) is not None


def _options(args: argparse.Namespace) -> SandboxOptions:
    options = SandboxOptions(
        seed=args.seed,
        shopify_orders=args.shopify_orders,
        days=args.days,
        time_scale=args.time_scale,
        bucket_size=args.shopify_bucket_size,
        restore_rate=args.shopify_restore_rate,
        realtime_bucket=args.realtime_bucket,
        amazon_orders=args.amazon_orders,
        amazon_live_orders_per_day=args.amazon_live_orders_per_day,
        shipbob=not args.no_shipbob,
        freeagent=not args.no_freeagent,
    )
    if args.shops:
        options.shops = tuple(args.shops)
    if args.amazon_marketplaces:
        options.amazon_marketplaces = tuple(args.amazon_marketplaces)
    return options


def _tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    """The server-side TLS context `--tls-cert`/`--tls-key` ask for; raises ValueError naming the setting."""
    if args.tls_cert is None and args.tls_key is None:
        return None
    if args.tls_cert is None or args.tls_key is None:
        raise ValueError(f"--tls-{'cert' if args.tls_cert is None else 'key'}: needed with the other one")
    for name, path in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
        if not path.is_file():
            raise ValueError(f"{name}: no such file {str(path)!r}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(args.tls_cert, args.tls_key)
    except ssl.SSLError as err:
        raise ValueError(f"--tls-cert/--tls-key: not a PEM certificate and its private key ({err.reason})") from err
    return context


def serve(args: argparse.Namespace) -> int:
    try:
        tls = _tls(args)
    except ValueError as err:
        print(f"sandbox: {err}", file=sys.stderr)
        return 2
    for version in available_versions():
        load_schema(version)  # parse the schemas before the first request, not during it
    sandbox = Sandbox(_options(args))
    server = make_server(sandbox, DEFAULT_HOST, args.port, tls)
    base = f"{'https' if tls else 'http'}://{DEFAULT_HOST}:{args.port}"
    print(f"sandbox: serving {', '.join(sandbox.shopify.shops)} on {base}", flush=True)
    print(f"sandbox: Amazon SP-API on {base}/sp-api, LWA on {base}/lwa/auth/o2/token", flush=True)
    if sandbox.shipbob is not None:
        print(f"sandbox: ShipBob API on {base}/shipbob (and {base}/2026-01/...)", flush=True)
    if sandbox.freeagent is not None:
        print(f"sandbox: FreeAgent API on {base}/v2, token endpoint {base}/v2/token_endpoint", flush=True)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # `stop` ends serve_forever like Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def start(args: argparse.Namespace) -> int:
    if _healthy(args.port):
        print(f"sandbox: already running on port {args.port}")
        return 0
    try:
        tls = _tls(args)  # refused here, in one line, rather than in the background process's log
    except ValueError as err:
        print(f"sandbox: {err}", file=sys.stderr)
        return 2
    STATE_DIR.mkdir(exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "sandbox",
        "serve",
        "--port",
        str(args.port),
        "--seed",
        str(args.seed),
        "--shopify-orders",
        str(args.shopify_orders),
        "--days",
        str(args.days),
        "--time-scale",
        str(args.time_scale),
        "--amazon-orders",
        str(args.amazon_orders),
        "--amazon-live-orders-per-day",
        str(args.amazon_live_orders_per_day),
        "--shopify-bucket-size",
        str(args.shopify_bucket_size),
        "--shopify-restore-rate",
        str(args.shopify_restore_rate),
        *(["--realtime-bucket"] if args.realtime_bucket else []),
        *(["--no-shipbob"] if args.no_shipbob else []),
        *(["--no-freeagent"] if args.no_freeagent else []),
        *(["--tls-cert", str(args.tls_cert.resolve()), "--tls-key", str(args.tls_key.resolve())] if tls else []),
    ]
    for shop in args.shops or []:
        argv += ["--shop", shop]
    for marketplace_id in args.amazon_marketplaces or []:
        argv += ["--amazon-marketplace", marketplace_id]
    with LOG_FILE.open("ab") as log:
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    PID_FILE.write_text(str(proc.pid))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"sandbox: failed to start (exit {proc.returncode}); see {LOG_FILE}", file=sys.stderr)
            return 1
        if _healthy(args.port):
            print(f"sandbox: running on {'https' if tls else 'http'}://{DEFAULT_HOST}:{args.port} (pid {proc.pid})")
            return 0
        time.sleep(0.2)
    print(f"sandbox: did not answer within 60 s; see {LOG_FILE}", file=sys.stderr)
    return 1


def stop(_args: argparse.Namespace) -> int:
    if not PID_FILE.exists():
        print("sandbox: not running")
        return 0
    pid = int(PID_FILE.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            time.sleep(0.1)
            os.kill(pid, 0)
        os.kill(pid, signal.SIGKILL)  # did not stop within 5 s
    except ProcessLookupError:
        pass
    PID_FILE.unlink(missing_ok=True)
    print("sandbox: stopped")
    return 0


def status(args: argparse.Namespace) -> int:
    health = _health(args.port)
    print(f"sandbox: {'running' if health else 'not running'} on port {args.port}")
    amazon = (health or {}).get("amazon")
    if amazon:
        print(f"  amazon api_url:       {amazon['api_url']}")
        print(f"  amazon lwa_token_url: {amazon['lwa_token_url']}")
        print(f"  amazon seller:        {amazon['selling_partner_id']} in {', '.join(amazon['marketplace_ids'])}")
    shipbob = (health or {}).get("shipbob")
    if shipbob:
        print(f"  shipbob api_url:      {shipbob['api_url']} (API version {shipbob['api_version']})")
        channels = ", ".join(f"{c['id']} {c['name']}" for c in shipbob["channels"])
        print(f"  shipbob channels:     {channels}")
    freeagent = (health or {}).get("freeagent")
    if freeagent:
        print(f"  freeagent api_url:    {freeagent['api_url']}")
        print(f"  freeagent token_url:  {freeagent['token_url']}")
    return 0 if health else 1


def main() -> int:
    args = _parser().parse_args()
    return {"serve": serve, "start": start, "stop": stop, "status": status}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

"""`stratus-metrics serve|summary`: the run history and freshness, for Prometheus and for people."""

from __future__ import annotations

import argparse
import sys

from prometheus_client import CollectorRegistry, start_http_server
from stratus_postgres.connect import exit_with

from stratus_metrics.collector import HistoryCollector
from stratus_metrics.history import HistoryMissingError, warehouse
from stratus_metrics.settings import PLUGIN, load
from stratus_metrics.summary import summary


def serve() -> int:
    settings = load(serving=True)
    with warehouse(settings):
        pass  # reach the warehouse once before listening: a wrong setting is one line now, not a 0 later
    registry = CollectorRegistry()
    registry.register(HistoryCollector(settings))
    try:
        server, thread = start_http_server(settings.listen_port, settings.bind, registry=registry)
    except OSError as exc:
        print(
            f"{PLUGIN}: cannot listen on {settings.bind}:{settings.listen_port}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    print(f"{PLUGIN}: serving http://{settings.bind}:{settings.listen_port}/metrics", file=sys.stderr, flush=True)
    try:
        while thread.is_alive():
            thread.join(1)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


def print_summary() -> int:
    settings = load(serving=False)
    with warehouse(settings) as session:
        try:
            print(summary(session))
        except HistoryMissingError as exc:
            print(f"{PLUGIN}: {exc}", file=sys.stderr)
            return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="stratus-metrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="Serve Prometheus metrics read from the warehouse at every scrape.")
    commands.add_parser("summary", help="Print the latest run of each extractor and of dbt.")
    args = parser.parse_args()
    exit_with(serve if args.command == "serve" else print_summary)


if __name__ == "__main__":
    main()

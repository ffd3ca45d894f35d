"""`stratus-warehouse start|stop|status|url|sql`: manage and query the embedded warehouse."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from stratus_warehouse.server import PortState, Warehouse, WarehouseError


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table, psql style."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    line = " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def run_sql(url: str, query: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query)
        if cur.description is None:
            return cur.statusmessage or "OK"
        return format_table([d.name for d in cur.description], cur.fetchall())


SUMMARY_QUERIES = {
    "Revenue per day and channel (last 14 days with orders)": """
        select sales_date as day, source as channel, currency,
               sum(orders) as orders, sum(units) as units, sum(gross) as gross,
               sum(discounts) as discounts, sum(refunds) as refunds, sum(net) as net
        from warehouse.daily_sales
        where sales_date in (
            select distinct sales_date from warehouse.daily_sales order by sales_date desc limit 14
        )
        group by 1, 2, 3
        order by 1 desc, 2, 3
    """,
    "Settlements and payouts (net = sum of lines, to the cent)": """
        select source as channel, currency, count(*) as settlements,
               count(*) filter (where net = lines_total) as reconciled,
               sum(gross) as gross, sum(fees) as fees, sum(refunds) as refunds,
               sum(other) as other, sum(net) as net
        from warehouse.settlements
        group by 1, 2
        order by 1, 2
    """,
}

RECONCILED = "select count(*) filter (where net = lines_total), count(*) from warehouse.settlements"


def summary(url: str) -> str:
    """Revenue per day and channel, the settlements reconciled, then the row count of every mart."""
    parts = []
    with psycopg.connect(url, autocommit=True) as conn:
        for title, query in SUMMARY_QUERIES.items():
            cur = conn.execute(query)
            columns = [d.name for d in cur.description or []]
            parts.append(f"{title}\n{format_table(columns, cur.fetchall())}")
        reconciled, settlements = conn.execute(RECONCILED).fetchone() or (0, 0)
        parts.append(f"Settlements: {reconciled} of {settlements} settlements reconciled")
        tables = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'warehouse' and table_type = 'BASE TABLE' order by 1"
            )
        ]
        count = sql.SQL("select count(*) from warehouse.{}")
        counts = [(t, conn.execute(count.format(sql.Identifier(t))).fetchone()[0]) for t in tables]  # type: ignore[index]
    parts.append(f"Rows per mart\n{format_table(['mart', 'rows'], counts)}")
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="stratus-warehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="start the warehouse (reuses a running one)")
    sub.add_parser("stop", help="stop the warehouse")
    sub.add_parser("status", help="exit 0 if the warehouse is running")
    sub.add_parser("url", help="print the connection URL")
    sub.add_parser("summary", help="print revenue per day and channel, settlements reconciled, rows per mart")
    sql = sub.add_parser("sql", help="run one SQL statement and print the result")
    sql.add_argument("query")
    args = parser.parse_args(argv)
    try:
        warehouse = Warehouse.from_env()
        if args.command == "start":
            warehouse.start()
            print(f"warehouse: running at {warehouse.url()}")
        elif args.command == "stop":
            # pg_ctl stops the server of our data directory only: a foreign one is never touched.
            print("warehouse: stopped" if warehouse.stop() else "warehouse: not running")
        elif args.command == "status":
            state = warehouse.port_state()
            if state is PortState.FOREIGN:
                raise warehouse.port_taken()
            running = state is PortState.OURS
            print(f"warehouse: {'running' if running else 'not running'} on port {warehouse.port}")
            return 0 if running else 1
        elif args.command == "url":
            print(warehouse.url())
        elif args.command == "summary":
            print(summary(warehouse.url()))
        elif args.command == "sql":
            warehouse.start()
            print(run_sql(warehouse.url(), args.query))
    except WarehouseError as exc:
        print(exc, file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"warehouse: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

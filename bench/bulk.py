"""Benchmark: members' bulk downloads (bulkdata) at scale. Generates an order history of L order
lines (bench/orders.py's generator), then measures, through the real views' code path
(`bulkdata.exports.export_open`):

- the whole consortium's orders file as CSV, streamed: rows per second, and the peak of Python
  memory allocated while streaming (tracemalloc), which must not grow with the rows;
- the largest district's orders as XLSX (openpyxl write-only): rows per second, file size, peak;
- the refusal of an XLSX file beyond Excel's 1,048,576 rows (the count is the only work done).

    edpool bench bulk [--lines 200000] [--agreements 200] [--districts 200] [--seed 5]

Runs in a throwaway test database on the configured server (PostgreSQL is the target).
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench bulk")
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--districts", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--orders", type=int, default=0)
    parser.add_argument("--seed", type=int, default=5)
    args, _ = parser.parse_known_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _run(args) -> int:
    from django.db import connection
    from django.db.models import Count

    from accounts.acting import STAFF, Actor
    from bench.orders import _generate
    from bulkdata import writers
    from bulkdata.exports import export_open
    from orders.models import Order
    from orgs.models import Organisation

    rng = random.Random(args.seed)
    print(f"bulk on {connection.vendor}: {args.lines:,} order lines, {args.districts:,} districts")
    _generate(args, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    staff = Actor(user=None, organisation=Organisation.objects.first(), role=STAFF, label="bench")

    tracemalloc.start()
    started = time.monotonic()
    export = export_open(dataset_key="orders", fmt="csv", district_id=None, actor=staff)
    size = rows = 0
    for line in export.body:
        size += len(line)
        rows += 1
    took = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"CSV, every district: {rows - 1:,} rows, {size / 1e6:,.1f} MB in {took:,.1f} s "
          f"({(rows - 1) / took:,.0f} rows/s), peak Python memory {peak / 1e6:,.1f} MB")

    biggest = (Order.objects.values("district_id").annotate(n=Count("lines")).order_by("-n").first())
    tracemalloc.start()
    started = time.monotonic()
    export = export_open(dataset_key="orders", fmt="xlsx", district_id=biggest["district_id"], actor=staff)
    took = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    export.body.seek(0, 2)
    print(f"XLSX, the largest district: {biggest['n']:,} rows, {export.body.tell() / 1e6:,.1f} MB in {took:,.1f} s "
          f"({biggest['n'] / took:,.0f} rows/s), peak Python memory {peak / 1e6:,.1f} MB")
    export.body.close()

    limit = writers.XLSX_ROW_LIMIT
    writers.XLSX_ROW_LIMIT = min(limit, max(2, args.lines // 2))  # so the refusal is reached at any size
    started = time.monotonic()
    try:
        export_open(dataset_key="orders", fmt="xlsx", district_id=None, actor=staff)
        print("XLSX beyond the limit: NOT refused")
        return 1
    except writers.TooManyRows as refused:
        print(f"XLSX beyond the limit refused in {time.monotonic() - started:,.2f} s: {refused.messages[0]}")
    finally:
        writers.XLSX_ROW_LIMIT = limit
    return 0

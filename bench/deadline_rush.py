"""Benchmark: the deadline rush. N vendors submit sealed bids within a window of S seconds with the
bid deadline shortly before the window ends; reports accepted/refused counts and the p50/p99
latency of a submission, and checks every accepted bid is stored intact.

Runs in a throwaway test database created on the configured server (DATABASE_URL; PostgreSQL is
the meaningful target, SQLite serialises writers):

    edpool bench deadline-rush [--vendors 500] [--seconds 60] [--threads 32]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import threading
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench deadline-rush")
    parser.add_argument("--vendors", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="window in which the vendors submit; the deadline falls at 90%% of it")
    parser.add_argument("--threads", type=int, default=32,
                        help="server workers: submissions processed at once (each vendor is its "
                             "own client thread)")
    args = parser.parse_args(argv)

    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _run(args) -> int:
    from django.core.exceptions import ValidationError
    from django.db import connection, connections
    from django.utils import timezone

    from accounts.acting import Actor
    from accounts.services import role_assign, user_create_or_update
    from catalog.services import category_ensure
    from orgs.services import consortium_setup
    from sourcing import selectors
    from sourcing.models import Bid
    from sourcing.services.bids import bid_submit
    from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                                 solicitation_publish)
    from vendors.services import vendor_create

    system = Actor.system("bench")
    if connection.vendor == "sqlite":
        # SQLite's shared in-memory test database allows one writer at a time: serialise the
        # submissions (the figures mean little; use PostgreSQL, DATABASE_URL=postgres://...).
        args.threads = 1
    print(f"deadline rush on {connection.vendor}: {args.vendors} vendors within {args.seconds:.0f} s, "
          f"{args.threads} threads")
    consortium = consortium_setup(name="Bench consortium", home_state="CA", actor=system).organisation
    staff_user, _ = user_create_or_update(email="staff@bench.invalid", actor=system)
    staff = Actor.from_assignment(role_assign(user=staff_user, organisation=consortium,
                                              role="consortium_staff", actor=system)[0])
    category = category_ensure(code="bench", name="Bench", actor=system)
    setup_started = time.monotonic()
    actors = []
    for i in range(args.vendors):
        vendor = vendor_create(name=f"Bench vendor {i:04d}", actor=system)
        user, _ = user_create_or_update(email=f"v{i}@bench.invalid", actor=system)
        actors.append(Actor.from_assignment(role_assign(user=user, organisation=vendor.organisation,
                                                        role="vendor_user", actor=system)[0]))
    print(f"  set-up: {time.monotonic() - setup_started:.1f} s")
    window = dt.timedelta(seconds=args.seconds)
    start = timezone.now() + dt.timedelta(seconds=2)
    deadline = start + window * 0.9
    content = SolicitationContent(
        title="Bench rush", description="", category=category,
        lines=[{"reference": f"L{n}", "description": f"Line {n}", "unit": "each",
                "estimated_quantity": 1000} for n in range(5)],
        requirements=[{"code": "dpa", "text": "Signs the DPA"}],
        criteria=[{"name": "Price", "weight": 60, "is_price": True}, {"name": "Quality", "weight": 40}])
    s = solicitation_create(content=content, questions_deadline=start, bid_deadline=deadline, actor=staff)
    s = solicitation_publish(solicitation=s, actor=staff)
    # Most bids arrive in the final stretch before the deadline, as in real rushes; about 5% are
    # late (within the last tenth of the window, after the deadline).
    rng = random.Random(42)
    cut = args.seconds * 0.9
    offsets = []
    for _ in actors:
        if rng.random() < 0.05:
            offsets.append(cut + rng.uniform(0, args.seconds * 0.1))
        else:
            offsets.append(cut - min(cut, rng.expovariate(1 / (0.15 * args.seconds))))
    latencies: list[float] = []
    outcome = {"accepted": 0, "refused": 0, "errors": 0}
    receipts = {}
    lock = threading.Lock()

    workers = threading.BoundedSemaphore(args.threads)

    def submit(i: int) -> None:
        delay = (start - timezone.now()).total_seconds() + offsets[i]
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()  # the client sends now; latency includes waiting for a worker
        with workers:
            _submit(i, began)

    def _submit(i: int, began: float) -> None:
        data = {"lines": [{"line": f"L{n}", "tiers": [
            {"min_quantity": 1, "unit_price": f"{100 + i % 50}.00"},
            {"min_quantity": 500, "unit_price": f"{95 + i % 50}.00"}], "max_quantity": None}
            for n in range(5)], "attestations": {"dpa": True}, "notes": ""}
        try:
            bid, receipt = bid_submit(solicitation=s, data=data, actor=actors[i])
            key = "accepted"
            with lock:
                receipts[bid.pk] = receipt
        except ValidationError:
            key = "refused"
        except Exception as exc:  # pragma: no cover - reported
            key = "errors"
            print("  error:", type(exc).__name__, exc)
        finally:
            connections.close_all()
        with lock:
            latencies.append(time.perf_counter() - began)
            outcome[key] += 1

    clients = [threading.Thread(target=submit, args=(i,)) for i in range(len(actors))]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    intact = 0
    for bid in Bid.objects.filter(solicitation=s).select_related("vendor"):
        _, content_stored = selectors.own_bid(solicitation=s, vendor=bid.vendor)
        receipt = receipts.get(bid.pk)
        if receipt and receipt.canonical_bid == content_stored and receipt.digest == bid.digest:
            intact += 1
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(f"  accepted {outcome['accepted']}, refused after the deadline {outcome['refused']}, "
          f"errors {outcome['errors']}; stored intact {intact}/{outcome['accepted']}")
    print(f"  submission latency: p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms")
    ok = outcome["errors"] == 0 and intact == outcome["accepted"]
    print("  OK" if ok else "  FAILED")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

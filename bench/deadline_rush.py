"""Benchmark: the deadline rush, over HTTP against the real server.

N vendors send sealed bids (`PUT /api/v1/solicitations/{id}/bid`, each with its own API token)
within the final S seconds before the bid deadline, to gunicorn started the way the README's
production set-up starts it (gthread workers) on a throwaway PostgreSQL database. Most bids come
in the last seconds, as in real rushes; about 5% are sent after the deadline.

Per run it reports, by the client's clock (the same machine's clock as the server's): bids sent
before the deadline and accepted, **sent before the deadline and refused** (must be 0: a bid is
judged by when the server received it, and the server must keep up), sent after and refused, sent
after and accepted (must be 0); the latency of a submission (p50, p95, p99, max: the target is
p99 < 500 ms for 500 vendors); and that every accepted bid is stored intact (its content and
digest as the receipt says).

    edpool bench deadline-rush [--vendors 500] [--seconds 60] [--workers 3] [--threads 8]

It needs PostgreSQL (DATABASE_URL=postgres://...): the server runs in other processes, which a
SQLite test database in memory cannot serve.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench deadline-rush")
    parser.add_argument("--vendors", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="the final stretch before the deadline in which the vendors send their bids")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--late", type=float, default=0.05, help="share of bids sent after the deadline")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    from django.db import connection

    if connection.vendor != "postgresql":
        print("deadline-rush skipped: it needs PostgreSQL (DATABASE_URL=postgres://...), since the "
              "server runs in separate processes.")
        return 0
    from bench.throwaway import in_throwaway_database

    return in_throwaway_database(lambda: _run(args))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup(vendors: int):
    from accounts.acting import Actor
    from accounts.services import api_token_create, role_assign, user_create_or_update
    from catalog.services import category_ensure
    from orgs.services import consortium_setup
    from vendors.services import vendor_create

    system = Actor.system("bench")
    consortium = consortium_setup(name="Bench consortium", home_state="CA", actor=system).organisation
    staff_user, _ = user_create_or_update(email="staff@bench.invalid", actor=system)
    staff = Actor.from_assignment(role_assign(user=staff_user, organisation=consortium,
                                              role="consortium_staff", actor=system)[0])
    category = category_ensure(code="bench", name="Bench", actor=system)
    tokens = []
    for i in range(vendors):
        vendor = vendor_create(name=f"Bench vendor {i:04d}", actor=system)
        user, _ = user_create_or_update(email=f"v{i}@bench.invalid", actor=system)
        assignment, _ = role_assign(user=user, organisation=vendor.organisation, role="vendor_user", actor=system)
        _, secret = api_token_create(user=user, assignment=assignment, actor=system)
        tokens.append((vendor, secret))
    return staff, category, tokens


def _start_server(port: int, args) -> subprocess.Popen:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
           f"/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY,
           "BID_SEALING_KEY": settings.BID_SEALING_KEY or "", "ALLOWED_HOSTS": "127.0.0.1",
           "EDPOOL_CHECK_LOCK_ORDER": "false"}
    env.pop("PYTEST_VERSION", None)
    command = [sys.executable, "-m", "gunicorn", "edpool.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
               "--backlog", "2048", "--timeout", "30", "--limit-request-line", "8190", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/solicitations")
            if conn.getresponse().status < 500:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 20 s")


def _run(args) -> int:
    from django.db import connections
    from django.utils import timezone

    from sourcing import selectors
    from sourcing.models import Bid
    from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                                 solicitation_publish)

    print(f"deadline rush over HTTP: {args.vendors} vendors in the final {args.seconds:.0f} s, gunicorn "
          f"{args.workers} workers x {args.threads} threads (gthread), PostgreSQL")
    started = time.monotonic()
    staff, category, tokens = _setup(args.vendors)
    print(f"  set-up: {time.monotonic() - started:.1f} s")
    port = _free_port()
    server = _start_server(port, args)
    try:
        lead = dt.timedelta(seconds=3)
        deadline = timezone.now() + lead + dt.timedelta(seconds=args.seconds)
        content = SolicitationContent(
            title="Bench rush", description="", category=category,
            lines=[{"reference": f"L{n}", "description": f"Line {n}", "unit": "each",
                    "estimated_quantity": 1000} for n in range(5)],
            requirements=[{"code": "dpa", "text": "Signs the DPA"}],
            criteria=[{"name": "Price", "weight": 60, "is_price": True}, {"name": "Quality", "weight": 40}])
        s = solicitation_create(content=content, questions_deadline=timezone.now() + lead,
                                bid_deadline=deadline, actor=staff)
        s = solicitation_publish(solicitation=s, actor=staff)
        connections.close_all()
        results = _rush(args, port, s.pk, deadline.timestamp(), tokens)
    finally:
        server.terminate()
        server.wait(timeout=30)

    accepted = {r["vendor"]: r for r in results if r["status"] == 200}
    intact = 0
    vendors = {vendor.pk: vendor for vendor, _ in tokens}
    for bid in Bid.objects.filter(solicitation=s):
        mine = selectors.own_bid(solicitation=s, vendor=vendors[bid.vendor_id])
        receipt = accepted.get(bid.vendor_id, {}).get("receipt") or {}
        if mine and receipt.get("bid") == mine[1] and receipt.get("sha256") == bid.digest:
            intact += 1
    return _report(args, results, intact, len(accepted), Bid.objects.filter(solicitation=s).count())


def _rush(args, port: int, solicitation_id: int, deadline: float, tokens) -> list[dict]:
    rng = random.Random(42)
    offsets = []  # seconds before the deadline (negative: after it)
    for _ in tokens:
        if rng.random() < args.late:
            offsets.append(-rng.uniform(0.001, args.seconds * 0.1))
        else:
            offsets.append(min(args.seconds, rng.expovariate(1 / (0.15 * args.seconds))))
    results: list[dict] = []
    lock = threading.Lock()
    path = f"/api/v1/solicitations/{solicitation_id}/bid"

    def send(i: int) -> None:
        vendor, secret = tokens[i]
        body = json.dumps({"lines": [{"line": f"L{n}", "tiers": [
            {"min_quantity": 1, "unit_price": f"{100 + i % 50}.00"},
            {"min_quantity": 500, "unit_price": f"{95 + i % 50}.00"}], "max_quantity": None}
            for n in range(5)], "attestations": {"dpa": True}, "notes": f"Bench bid {i}"})
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        wait = deadline - offsets[i] - time.time()
        if wait > 0:
            time.sleep(wait)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = time.time()
        try:
            conn.request("PUT", path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except OSError as exc:
            status, payload = 0, str(exc).encode()
        done = time.time()
        conn.close()
        result = {"vendor": vendor.pk, "sent": sent, "before": sent < deadline, "status": status,
                  "latency": done - sent, "margin_ms": (deadline - sent) * 1000}
        if status == 200:
            result["receipt"] = json.loads(payload)
        else:
            result["error"] = payload[:300].decode(errors="replace")
        with lock:
            results.append(result)

    clients = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(len(tokens))]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return results


def _report(args, results: list[dict], intact: int, accepted: int, stored: int) -> int:
    def count(before: bool, status_ok: bool) -> int:
        return sum(1 for r in results if r["before"] == before and (r["status"] == 200) == status_ok
                   and r["status"] in (200, 422))

    errors = [r for r in results if r["status"] not in (200, 422)]
    before_refused = [r for r in results if r["before"] and r["status"] == 422]
    latencies = sorted(r["latency"] for r in results)
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    figures = {
        "vendors": args.vendors, "seconds": args.seconds, "workers": args.workers, "threads": args.threads,
        "sent_before_accepted": count(True, True), "sent_before_refused": len(before_refused),
        "sent_after_refused": count(False, False), "sent_after_accepted": count(False, True),
        "errors": len(errors), "stored": stored, "intact": intact,
        "p50_ms": round(pct(0.50), 1), "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }
    print(f"  sent before the deadline: {figures['sent_before_accepted']} accepted, "
          f"{figures['sent_before_refused']} refused")
    print(f"  sent after the deadline: {figures['sent_after_refused']} refused, "
          f"{figures['sent_after_accepted']} accepted")
    print(f"  errors (not 200/422): {figures['errors']}; stored {stored}, intact {intact}/{accepted}")
    print(f"  submission latency over HTTP: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms")
    for r in before_refused[:5]:
        print(f"    refused though sent {r['margin_ms']:.1f} ms before the deadline: {r['error'][:160]}")
    for r in errors[:5]:
        print(f"    error {r['status']}: {r['error'][:200]}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    ok = (not errors and not before_refused and figures["sent_after_accepted"] == 0
          and intact == accepted == stored)
    print("  OK" if ok else "  FAILED")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

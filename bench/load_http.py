"""Benchmark: load over HTTP (`make load`, issue 18). nginx in front of two gunicorn servers
(ops/loopback.py) on a throwaway PostgreSQL database, driven by Locust (bench/load/locustfile.py)
headless for a bounded time; it stops by itself and writes Locust's CSV statistics.

Data set (reduced, stated in bench/README.md): the demo, then the orders benchmark's generator
(bench/orders.py) for a catalog under agreements and an order history, 500 vendors with API tokens
and a solicitation whose bid deadline falls in the last seconds of the run.

    edpool bench load [--run-time 150] [--users 40] [--lines 20000] [--agreements 60]
                      [--districts 300] [--vendors 500] [--csv var/load/load]
                      [--national [--national-lines N]] [--keep | --reuse DBNAME]

It needs PostgreSQL (DATABASE_URL=postgres://...), Debian's nginx and the `[load]` extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench load")
    parser.add_argument("--run-time", type=int, default=150, help="seconds Locust runs")
    parser.add_argument("--users", type=int, default=40, help="district-side users (besides the vendors)")
    parser.add_argument("--lines", type=int, default=20_000, help="order lines in the generated history")
    parser.add_argument("--agreements", type=int, default=None, help="60; 2,000 with --national")
    parser.add_argument("--districts", type=int, default=None, help="300; 13,000 with --national")
    parser.add_argument("--buyers", type=int, default=150, help="districts with an API token placing orders")
    parser.add_argument("--vendors", type=int, default=500, help="vendors in the bid-deadline rush")
    parser.add_argument("--rush", type=float, default=60.0, help="the final seconds before the deadline")
    parser.add_argument("--rush-shape", choices=("uniform", "late"), default="uniform",
                        help="bids spread evenly over the final stretch, or most in its last seconds "
                             "(exponential, mean 15%% of it, as bench/deadline_rush.py)")
    parser.add_argument("--national", action="store_true",
                        help="the national shape's order history (bench/README.md 'At the national shape'): a "
                             "seed of --lines lines (over 2,000 agreements and 13,000 districts by default) "
                             "copied to --national-lines lines in one fiscal year by `edpool bench rollup`'s "
                             "generator (about 20 minutes at 10 million)")
    parser.add_argument("--national-lines", type=int, default=10_000_000, help="lines in all with --national")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed) "
                        "and the people and tokens made for it (var/load/data-NAME.json), to run again with --reuse")
    parser.add_argument("--reuse", metavar="DBNAME", default="",
                        help="run again on a database kept by --keep (a new rush solicitation; no set-up)")
    parser.add_argument("--csv", default="var/load/load", help="prefix of Locust's CSV files")
    parser.add_argument("--seed", type=int, default=18)
    args, _ = parser.parse_known_args(argv)
    args.agreements = args.agreements or (2_000 if args.national else 60)
    args.districts = args.districts or (13_000 if args.national else 300)
    if min(args.lines, args.agreements, args.districts, args.national_lines) < 1:
        parser.error("--lines, --agreements, --districts and --national-lines must be positive")

    from django.db import connection

    from ops.loopback import nginx_binary

    if connection.vendor != "postgresql":
        print("load skipped: it needs PostgreSQL (DATABASE_URL=postgres://...).")
        return 0
    if nginx_binary() is None:
        print("load skipped: it needs nginx (apt-get install nginx).")
        return 0
    from bench.throwaway import in_throwaway_database

    if args.reuse:
        return _reuse(args)
    return in_throwaway_database(lambda: _run(args), keep=args.keep)


def _data_file(args, name: str) -> Path:
    return Path(args.csv).resolve().parent / f"data-{name}.json"


def _reuse(args) -> int:
    """Run the load again on a kept database with the people and tokens saved beside it."""
    from django.db import connection, connections

    found = _data_file(args, args.reuse)
    if not found.exists():
        print(f"cannot reuse {args.reuse!r}: {found} is missing (made by a run with --keep)")
        return 1
    connections.close_all()
    connection.settings_dict["NAME"] = args.reuse
    try:
        return _run(args, data=json.loads(found.read_text()))
    finally:
        connections.close_all()


def _database_url() -> str:
    from django.db import connection

    p = connection.settings_dict
    password = f":{p['PASSWORD']}" if p.get("PASSWORD") else ""
    return f"postgres://{p['USER']}{password}@{p.get('HOST') or '127.0.0.1'}:{p.get('PORT') or 5432}/{p['NAME']}"


def _data(args, rng: random.Random) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from accounts.acting import Actor
    from accounts.models import RoleAssignment
    from accounts.services import api_token_create, role_assign, user_create_or_update
    from bench.orders import _generate
    from edpool.demo.people import DEMO_PASSWORD
    from vendors.services import vendor_create

    started = time.monotonic()
    call_command("demo", verbosity=0)
    print(f"  demo built ({time.monotonic() - started:.0f} s)", flush=True)
    from orders.models import Order

    before = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    world = _generate(argparse.Namespace(lines=args.lines, agreements=args.agreements, districts=args.districts,
                                         seed=args.seed), rng)
    print(f"  order history: {args.lines:,} lines ({time.monotonic() - started:.0f} s)", flush=True)
    if args.national:
        _national(args, before)
        print(f"  national order history ({time.monotonic() - started:.0f} s)", flush=True)
    system = Actor.system("load")

    def demo_people(*roles: str) -> list[dict]:
        return [{"email": a.user.email, "password": DEMO_PASSWORD} for a in
                RoleAssignment.objects.filter(user__email__endswith="@demo.edpool.org", role__in=roles)
                .select_related("user").order_by("user__email")]

    people = demo_people("district_buyer", "district_approver", "district_admin")
    staff = demo_people("consortium_staff")
    # the dashboards: staff (the consortium's view) and district people in turn
    dashboard_people = [p for pair in zip(staff * len(people), people) for p in pair]
    by_district: dict[int, list[dict]] = {}
    for agreement_id, districts in world["joined"].items():
        products = sorted({e.product_id for e in world["per_agreement"].get(agreement_id, [])})
        if products:
            for d in districts:
                by_district.setdefault(d.pk, []).append({"id": agreement_id, "products": products})
    buyers = []
    assignments = {a.organisation_id: a for a in RoleAssignment.objects.filter(
        role="district_buyer", user__email__endswith="@bench.invalid").select_related("user")}
    for district in world["districts"]:
        if district.pk in by_district and len(buyers) < args.buyers:
            a = assignments[district.organisation_id]
            _, secret = api_token_create(user=a.user, assignment=a, actor=system)
            buyers.append({"token": secret, "district": district.pk, "agreements": by_district[district.pk]})
    print(f"  {len(buyers)} district buyers with tokens ({time.monotonic() - started:.0f} s)", flush=True)
    vendor_tokens = []
    for i in range(args.vendors):
        vendor = vendor_create(name=f"Rush vendor {i:04d}", actor=system)
        user, _ = user_create_or_update(email=f"rush{i}@load.invalid", actor=system)
        assignment, _ = role_assign(user=user, organisation=vendor.organisation, role="vendor_user", actor=system)
        vendor_tokens.append(api_token_create(user=user, assignment=assignment, actor=system)[1])
    print(f"  {len(vendor_tokens)} rush vendors with tokens ({time.monotonic() - started:.0f} s)", flush=True)
    from catalog.models import Product

    catalog = list(Product.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from analytics.models import MonthRollup
    from django.db.models import Count

    # the dashboards read the fiscal year with most rollup rows (with --national, the copies' year)
    busiest = (MonthRollup.objects.values("fiscal_year").annotate(n=Count("id")).order_by("-n")
               .values_list("fiscal_year", flat=True).first())
    return {"people": people, "dashboard_people": dashboard_people, "buyers": buyers, "catalog_products": catalog,
            "vendor_tokens": vendor_tokens, "fiscal_year": busiest if args.national else None}


def _national(args, before: int) -> None:
    """Copy the generated history (and the demo's few orders with it) to --national-lines lines in one
    fiscal year, the shape `edpool bench rollup --months 12 --align-fiscal-year --district-rounds 36`
    measures: savings rows, the monthly rollup shifted from the seed's, then the copies in bulk SQL. The
    generator's orders are priced when submitted (as `bench rollup` makes them); the demo's orders keep
    their states. Ends with the same cross-check as the bench (rollup purchase rows = savings rows)."""
    from django.db.models import F, Sum

    from analytics.models import LineSaving, MonthRollup
    from bench import rollup_data
    from orders.models import Order

    Order.objects.filter(pk__gt=before, priced_at__isnull=True).update(priced_at=F("submitted_at"))
    rollup_data._session()
    grow = argparse.Namespace(lines=args.lines, months=12, chunk=25, district_rounds=min(36, args.districts),
                              align_fiscal_year=True, rollup="shifted")
    phases = rollup_data.grow(grow, args.national_lines)
    print("  phases: " + "; ".join(f"{name} {sec:,.0f} s" for name, sec in phases.items()), flush=True)
    purchases = LineSaving.objects.filter(kind=LineSaving.Kind.PURCHASE).count()
    rolled = MonthRollup.objects.aggregate(n=Sum("s_lines"))["n"]
    if rolled != purchases:
        raise SystemExit(f"national history inconsistent: rollup counts {rolled:,} purchase rows, savings "
                         f"table {purchases:,}")
    print(f"  cross-check: rollup purchase rows {rolled:,} = savings table's", flush=True)


def _solicitation(deadline: dt.datetime):
    from accounts.acting import Actor
    from accounts.models import RoleAssignment
    from catalog.services import category_ensure
    from sourcing.services.solicitations import SolicitationContent, solicitation_create, solicitation_publish

    staff = Actor.from_assignment(RoleAssignment.objects.select_related("user", "organisation")
                                  .filter(role="consortium_staff").order_by("pk").first())
    category = category_ensure(code="load-rush", name="Load rush", actor=Actor.system("load"))
    content = SolicitationContent(
        title="Load test rush", description="", category=category,
        lines=[{"reference": f"L{n}", "description": f"Line {n}", "unit": "each", "estimated_quantity": 1000}
               for n in range(5)],
        requirements=[{"code": "dpa", "text": "Signs the DPA"}],
        criteria=[{"name": "Price", "weight": 60, "is_price": True}, {"name": "Quality", "weight": 40}])
    from django.utils import timezone

    s = solicitation_create(content=content, questions_deadline=timezone.now() + dt.timedelta(seconds=5),
                            bid_deadline=deadline, actor=staff)
    return solicitation_publish(solicitation=s, actor=staff)


def _run(args, data: dict | None = None) -> int:
    from django.db import connections
    from django.utils import timezone

    from ops.loopback import LoopbackCluster

    rng = random.Random(args.seed)
    print(f"load over HTTP: nginx + 2 gunicorn servers, PostgreSQL, {args.users} district-side users + "
          f"{args.vendors} rush vendors, {args.run_time} s", flush=True)
    if data is None:
        data = _data(args, rng)
        if args.keep:
            from django.db import connection

            found = _data_file(args, connection.settings_dict["NAME"])
            found.parent.mkdir(parents=True, exist_ok=True)
            found.write_text(json.dumps(data))
    connections.close_all()
    csv = Path(args.csv).resolve()
    csv.parent.mkdir(parents=True, exist_ok=True)
    with LoopbackCluster(database_url=_database_url(), servers=2, workers=2, threads=4) as cluster:
        print(f"  cluster up at {cluster.url}", flush=True)
        _warm_up(cluster)
        begin = time.time() + 5  # Locust's start, roughly
        deadline = begin + args.run_time - 10
        solicitation = _solicitation(dt.datetime.fromtimestamp(deadline, tz=dt.timezone.utc))
        connections.close_all()
        # None in the last second: a bid *received* (by nginx, core/received.py) after the deadline
        # is rightly refused, and that is not the point here.
        if args.rush_shape == "late":
            offsets = [max(1.0, min(args.rush, rng.expovariate(1 / (0.15 * args.rush))))
                       for _ in data["vendor_tokens"]]
        else:
            offsets = [rng.uniform(1.0, args.rush) for _ in data["vendor_tokens"]]
        plan = {"people": data["people"], "dashboard_people": data["dashboard_people"],
                "fiscal_year": data["fiscal_year"], "buyers": data["buyers"],
                "catalog_products": data["catalog_products"],
                "rush": {"solicitation": solicitation.pk, "deadline": deadline, "offsets": offsets,
                         "tokens": data["vendor_tokens"], "lines": [f"L{n}" for n in range(5)]}}
        plan_file = csv.parent / "plan.json"
        plan_file.write_text(json.dumps(plan))
        env = dict(os.environ, EDPOOL_LOAD_PLAN=str(plan_file), EDPOOL_LOAD_CA=str(cluster.ca_file))
        users = args.users + args.vendors
        command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "load" / "locustfile.py"),
                   "--headless", "--host", cluster.url, "-u", str(users), "-r", str(max(50, users // 5)),
                   "--run-time", f"{args.run_time}s", "--stop-timeout", "10", "--csv", str(csv),
                   "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "1"]
        load_before = os.getloadavg()
        locust = subprocess.run(command, env=env, cwd=Path(__file__).parent.parent)
        load_after = os.getloadavg()
        saved = cluster.save_logs(csv.parent / "logs")
        print(f"  the servers' logs: {saved[0].parent if saved else 'none'}")
        from sourcing.models import Bid

        from audit.models import AuditEvent

        bids = Bid.objects.filter(solicitation_id=solicitation.pk).count()
        print(f"  bids stored for the rush solicitation: {bids} of {args.vendors}; deadline was "
              f"{timezone.localtime(solicitation.bid_deadline):%H:%M:%S}")
        # Which clock judged them (core/received.py): nginx's X-Request-Start, or the server's own.
        arrivals = AuditEvent.objects.filter(action__in=("bid.submitted", "bid.replaced"), object_type="sourcing.bid",
                                             object_id__in=[str(pk) for pk in Bid.objects.filter(
                                                 solicitation_id=solicitation.pk).values_list("pk", flat=True)])
        clocks = [e.after.get("received_clock", "?") for e in arrivals if isinstance(e.after, dict)]
        print(f"  judged by nginx's clock: {clocks.count('edge')}; by the server's: {clocks.count('server')}")
    print(f"  load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; "
          f"after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; {os.cpu_count()} cores")
    _summary(csv)
    return 1 if locust.returncode or bids != args.vendors else 0


def _warm_up(cluster) -> None:
    """A few pages from every server before measuring: a fresh gunicorn worker imports views and
    templates on its first requests (the first trial run saw 9 s for the first sign-in forms)."""
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(cluster.ca_file))
    for front in cluster.pinned:
        for path in ("/account/login/", "/catalog/", "/api/v1/openapi.json", "/healthz") * 4:
            try:
                urllib.request.urlopen(front.url + path, context=context, timeout=30).read()
            except OSError:
                pass


def _summary(csv: Path) -> None:
    import csv as csvlib

    stats = csv.with_name(csv.name + "_stats.csv")
    if not stats.exists():
        print("  no statistics written")
        return
    print(f"  {'kind':<42} {'requests':>8} {'fails':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} (ms)")
    with stats.open() as handle:
        for row in csvlib.DictReader(handle):
            print(f"  {row['Name'] or row['Type']:<42} {row['Request Count']:>8} {row['Failure Count']:>5} "
                  f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")
    failures = csv.with_name(csv.name + "_failures.csv")
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print("  failures:\n" + failures.read_text())

"""Benchmark: matching needs to products (issue 14).

Quality, over the demo catalog and the labelled set `bench/data/matching_eval.yaml` (needs as
buyers write them, with the products a knowledgeable buyer would accept): precision@5, recall@10
and nDCG@10 of the ranked results (products on agreements first, then the others, as buyers see
them), and the needs it gets wrong.

    edpool bench matching                     # builds the demo in a throwaway database (~2 min)
    edpool bench matching --current-database  # the configured database, demo already built
    edpool bench matching --latency [--products 50000] [--needs 300]

precision@5 divides by min(5, number of accepted products) (some needs have only two or three
right answers); recall@10 by the number of accepted products; nDCG@10 with binary gains.

Latency: P generated products (bulk inserts; half of the vendors on agreements in force, with
pooled volumes) described like the demo market with random facts, the search table built in one
go; then p50/p95/p99 of `matching.selectors.match` for random needs (1-3 words from the market's
vocabulary, a third with a hard must-have, a third with nice-to-haves), explained for a random
district (prices and tiers, compliance verdicts, similar districts). Target: p95 < 150 ms on
PostgreSQL.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import time
from pathlib import Path

EVAL_FILE = Path(__file__).parent / "data" / "matching_eval.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edpool bench matching")
    parser.add_argument("--current-database", action="store_true")
    parser.add_argument("--latency", action="store_true")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--agreements", type=int, default=1_000)
    parser.add_argument("--districts", type=int, default=2_000)
    parser.add_argument("--needs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--show", type=int, default=25, help="wrong cases to print")
    parser.add_argument("--profile", action="store_true", help="with --latency: time spent per phase")
    args, _ = parser.parse_known_args(argv)
    if args.latency:
        from bench.throwaway import in_throwaway_database

        return in_throwaway_database(lambda: _latency(args))
    if args.current_database:
        return _quality(args)
    from bench.throwaway import in_throwaway_database

    def build_then_measure() -> int:
        from edpool.demo.build import build_demo

        started = time.monotonic()
        build_demo()
        print(f"  demo built in {time.monotonic() - started:.0f} s")
        return _quality(args)

    return in_throwaway_database(build_then_measure)


def evaluation_set() -> list[dict]:
    import yaml

    return yaml.safe_load(EVAL_FILE.read_text())


def ndcg(ranked: list[str], accepted: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, name in enumerate(ranked[:k]) if name in accepted)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(accepted))))
    return dcg / ideal if ideal else 0.0


def scores(ranked: list[str], accepted: set[str]) -> tuple[float, float, float]:
    p5 = sum(1 for name in ranked[:5] if name in accepted) / min(5, len(accepted))
    r10 = sum(1 for name in ranked[:10] if name in accepted) / len(accepted)
    return p5, r10, ndcg(ranked, accepted)


def _quality(args) -> int:
    from matching.selectors import match
    from matching.spec import need_spec

    cases = evaluation_set()
    rows = []
    for case in cases:
        outcome = match(need_spec(text=case["need"], must_haves=case.get("must_haves", [])),
                        limit=10, explain=False)
        ranked = [r.product.name for r in outcome.results][:10]
        accepted = set(case["accept"])
        rows.append((case, ranked, *scores(ranked, accepted), outcome.parsed.notes))
    p5 = statistics.mean(r[2] for r in rows)
    r10 = statistics.mean(r[3] for r in rows)
    n10 = statistics.mean(r[4] for r in rows)
    print(f"matching quality over {len(rows)} labelled needs ({EVAL_FILE.name}):")
    print(f"  precision@5 {p5:.3f}   recall@10 {r10:.3f}   nDCG@10 {n10:.3f}")
    wrong = sorted((r for r in rows if r[2] < 0.6 or r[3] < 0.5), key=lambda r: r[4])
    print(f"  {len(wrong)} needs with precision@5 < 0.6 or recall@10 < 0.5:")
    for case, ranked, cp5, cr10, cn10, notes in wrong[:args.show]:
        accepted = set(case["accept"])
        top = ", ".join(("+" if name in accepted else "-") + name for name in ranked[:5]) or "(nothing)"
        missed = [name for name in case["accept"] if name not in ranked[:10]]
        print(f"  - {case['need']!r}: p@5 {cp5:.2f} r@10 {cr10:.2f}{' (' + '; '.join(notes) + ')' if notes else ''}")
        print(f"      top 5: {top}")
        if missed:
            print(f"      missed: {', '.join(missed[:6])}{' ...' if len(missed) > 6 else ''}")
    return 0


def _fast_update(rows: list[tuple], columns: list[str], casts: list[str]) -> None:
    """UPDATE catalog_product from VALUES in batches (bulk_update's CASE is far slower)."""
    from django.db import connection

    for start in range(0, len(rows), 2000):
        chunk = rows[start:start + 2000]
        placeholders = ", ".join("(" + ", ".join("%s" for _ in columns) + ")" for _ in chunk)
        if connection.vendor == "postgresql":
            sets = ", ".join(f"{c} = v.{c}::{cast}" for c, cast in zip(columns[1:], casts[1:]))
            sql = (f"UPDATE catalog_product AS p SET {sets} FROM (VALUES {placeholders}) "
                   f"AS v({', '.join(columns)}) WHERE p.id = v.id::bigint")
        else:
            sets = ", ".join(f"{c} = v.column{i + 2}" for i, c in enumerate(columns[1:]))
            sql = (f"UPDATE catalog_product SET {sets} FROM (VALUES {placeholders}) AS v "
                   f"WHERE catalog_product.id = v.column1")
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


def _generate(args, rng: random.Random):
    """Products described like the demo market with random facts (half of the vendors on
    agreements in force, with pooled volumes), districts; written with bulk inserts."""
    import datetime as dt
    import json
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from bench import compliance_matrix
    from catalog.models import Category, Product
    from catalog.models import search_text_of
    from contracts.models import LineVolume, MasterAgreement, ScheduleEntry, ScheduleVersion
    from contracts.services.catalog_index import catalog_index_refresh
    from edpool.demo.market import LANGUAGE_SETS, TYPES
    from members.models import District, Membership
    from orgs.models import Organisation
    from sourcing.models import Award, Bid, Solicitation

    world = compliance_matrix._generate(argparse.Namespace(products=args.products, vendors=args.agreements,
                                                           seed=args.seed))
    rows, vocabulary = [], set()
    for i, pk in enumerate(Product.objects.order_by("pk").values_list("pk", flat=True)):
        t = TYPES[i % len(TYPES)]
        stem = t.stems[i % len(t.stems)]
        name = f"{rng.choice(['Acme', 'Bright', 'Clear', 'Delta', 'Echo', 'Forte'])}{pk} {stem}"
        interop = sorted(rng.sample(t.interop, k=min(len(t.interop), rng.randint(0, 3)))) if t.interop else []
        rows.append((pk, name, t.description, search_text_of(name, t.description), t.kind,
                     json.dumps(sorted(rng.sample(t.grades, k=max(1, len(t.grades) - rng.randint(0, 1))))),
                     json.dumps(list(t.subjects)),
                     json.dumps([] if t.kind == "device" else rng.choice(LANGUAGE_SETS)), json.dumps(interop),
                     rng.choice(["wcag21aa", "wcag21aa_partial", "not_evaluated"]),
                     rng.choice([1, 2, 3, 4, None, None]) if t.evidence else None))
        vocabulary.update(w.strip(".,:()").lower() for w in (stem + " " + t.description).split() if len(w) > 4)
    _fast_update(rows, ["id", "name", "description", "search_text", "kind", "grade_bands", "subjects",
                        "languages", "interoperability", "accessibility", "essa_tier"],
                 ["bigint", "text", "text", "text", "text", "jsonb", "jsonb", "jsonb", "jsonb", "text", "smallint"])
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind="district", name=f"Bench LEA {i:05d}", slug=f"bench-lea-{i}", state="CA")
         for i in range(args.districts)], batch_size=5000)
    districts = District.objects.bulk_create(
        [District(organisation=o, state="CA", state_leaid=f"CA-B{i:06d}", enrollment=rng.randint(300, 60000))
         for i, o in enumerate(orgs)], batch_size=5000)
    Membership.objects.bulk_create([Membership(district=d, state="active", applied_at=timezone.now())
                                    for d in districts], batch_size=5000)
    user = User.objects.create(email="bench@bench.invalid")
    category = Category.objects.first()
    today = timezone.localdate()
    by_vendor: dict[int, list] = {}
    for pk, vendor_id, price in Product.objects.order_by("pk").values_list("pk", "vendor_id", "list_price"):
        by_vendor.setdefault(vendor_id, []).append((pk, price))
    on_contract = sorted(by_vendor)[1::2]
    solicitations = Solicitation.objects.bulk_create([
        Solicitation(number=f"SOL-M-{i:03d}", title=f"Bench solicitation {i}", category=category,
                     state="award_notice", questions_deadline=timezone.now(), bid_deadline=timezone.now())
        for i in range(max(1, len(on_contract) // 50))])
    awards = Award.objects.bulk_create([Award(solicitation=s, version=1, method="multi_award",
                                              notice_published_at=timezone.now(),
                                              standstill_ends_at=timezone.now(), created_by=user)
                                        for s in solicitations])
    bids = Bid.objects.bulk_create([Bid(solicitation=solicitations[i % len(solicitations)], vendor_id=v,
                                        submitted_at=timezone.now(), sealed=b"x", digest="x")
                                    for i, v in enumerate(on_contract)], batch_size=5000)
    agreements = MasterAgreement.objects.bulk_create([
        MasterAgreement(number=f"MA-M-{i:05d}", vendor_id=b.vendor_id, solicitation=b.solicitation,
                        award=awards[i % len(awards)], bid=b, title="Bench agreement",
                        award_kind=rng.choice(["multi_award", "single_award"]), state="active",
                        start_date=today - dt.timedelta(days=100), end_date=today + dt.timedelta(days=900),
                        max_term_years=5, admin_fee_rate=Decimal("0.02"))
        for i, b in enumerate(bids)], batch_size=5000)
    versions = ScheduleVersion.objects.bulk_create([ScheduleVersion(agreement=a, number=1) for a in agreements],
                                                   batch_size=5000)
    entries, volumes = [], []
    for version, agreement in zip(versions, agreements):
        for n, (pk, list_price) in enumerate(by_vendor[agreement.vendor_id]):
            price = (list_price * Decimal("0.85")).quantize(Decimal("0.01"))
            entries.append(ScheduleEntry(version=version, product_id=pk, line_reference=f"L{n}",
                                         line_description="Bench line", unit="seat", list_price=list_price,
                                         tiers=[{"min_quantity": 1, "unit_price": str(price)},
                                                {"min_quantity": 1000,
                                                 "unit_price": str((price * Decimal("0.95")).quantize(Decimal("0.01")))}]))
            volumes.append(LineVolume(agreement=agreement, line_reference=f"L{n}", quantity=rng.randint(0, 3000)))
    ScheduleEntry.objects.bulk_create(entries, batch_size=5000)
    LineVolume.objects.bulk_create(volumes, batch_size=5000)
    catalog_index_refresh(everything=True)
    return districts or world["districts"], sorted(vocabulary), len(on_contract), len(by_vendor)


def _phase_timers() -> dict[str, float]:
    """Wrap the phases of `matching.selectors.match` to add up the time each takes (the wrapped
    functions are looked up by name at call time, so wrapping the module attributes is enough)."""
    import matching.search as search
    import matching.selectors as selectors
    from compliance.selectors import verdicts
    from contracts.selectors import usage
    from members import selectors as members

    spent: dict[str, float] = {}  # in the order wrapped, so "of which" lines follow their phase

    def wrap(module, name: str, label: str) -> None:
        inner = getattr(module, name)
        spent[label] = 0.0

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - began
        setattr(module, name, timed)

    wrap(selectors, "parse", "parse the need (words known, spelling)")
    wrap(search, "candidates_split", "candidate queries (full text, must-haves, in force)")
    wrap(selectors, "_ranked", "words matched, ranking in Python")
    wrap(selectors, "_explain", "explain: prices, verdicts, similar districts (all)")
    wrap(verdicts, "district_verdicts", "  of which compliance verdicts")
    wrap(usage, "districts_using", "  of which districts using")
    wrap(members, "districts_similar_to", "  of which similar districts")
    return spent


def _backend_cpu_clock():
    """Seconds of CPU the database backend serving this connection has used, when it runs on this
    machine (Linux's /proc/<pid>/schedstat); a clock returning 0 otherwise. With the bench's own
    CPU time, it says what a need costs whatever else the machine is running."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), inet_server_addr()")
        pid, address = cursor.fetchone()
    path = Path(f"/proc/{pid}/schedstat")
    if address not in (None, "127.0.0.1", "::1") or not path.exists():
        return lambda: 0.0

    def clock() -> float:
        try:
            return int(path.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0
    return clock


def _latency(args) -> int:
    from django.db import connection

    from accounts.acting import Actor
    from compliance.services.rules import rules_load
    from matching.index import index_refresh
    from matching.selectors import match
    from matching.spec import need_spec

    rng = random.Random(args.seed)
    print(f"matching latency on {connection.vendor}: {args.products:,} products")
    rules_load(actor=Actor.system("bench"))
    started = time.monotonic()
    districts, words, on, vendors = _generate(args, rng)
    indexed = index_refresh(everything=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  data: {indexed:,} products indexed, {on:,} of {vendors:,} vendors on agreements in force, "
          f"{len(districts):,} districts ({time.monotonic() - started:.0f} s)")
    codes = ["grade:K-2", "grade:3-5", "grade:6-8", "grade:9-12", "kind:device", "kind:software",
             "interop:oneroster", "interop:lti13", "language:es", "a11y:wcag21aa", "essa:3"]
    phases = _phase_timers() if args.profile else {}
    backend_cpu = _backend_cpu_clock()
    timings, counts, cpu = [], [], []
    for i in range(args.needs):
        text = " ".join(rng.sample(words, rng.choice([1, 2, 2, 3])))
        hard = [rng.choice(codes)] if i % 3 == 0 else []
        soft = rng.sample(codes, 2) if i % 3 == 1 else []
        spec = need_spec(text=text, must_haves=hard, nice_to_haves=soft, quantity=rng.randint(1, 3000))
        district = rng.choice(districts)
        began, began_cpu, began_db = time.perf_counter(), time.process_time(), backend_cpu()
        outcome = match(spec, district=district)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu + backend_cpu() - began_db)
        counts.append(len(outcome.results))
    timings.sort()
    pct = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))] * 1000  # noqa: E731
    print(f"  {args.needs} needs, explained for a district: p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, "
          f"p99 {pct(0.99):.0f} ms; median {int(statistics.median(counts))} results shown")
    if backend_cpu() > 0:
        cpu.sort()
        at = lambda q: cpu[min(len(cpu) - 1, int(q * len(cpu)))] * 1000  # noqa: E731
        print(f"  CPU time per need (this process + its database backend, not waiting for a core): "
              f"p50 {at(0.50):.0f} ms, p95 {at(0.95):.0f} ms, p99 {at(0.99):.0f} ms; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    total = sum(timings)
    for name, spent in phases.items():
        print(f"    {name}: {spent * 1000 / len(timings):.1f} ms per need ({spent / total:.0%})")
    target = 150
    print(f"  target p95 < {target} ms on PostgreSQL: {'met' if pct(0.95) < target else 'MISSED'}")
    return 0

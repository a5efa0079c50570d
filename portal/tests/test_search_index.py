"""On PostgreSQL the portal's search uses trigram indexes (core.trigram; migrations of sourcing,
contracts, vendors, orgs and members): EXPLAIN of each kind's query on a few thousand rows names
the `_utrgm` indexes. On SQLite the migrations do nothing and the results are the same (the
portal's search tests run on both)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from portal.selectors import search, search_querysets

pytestmark = pytest.mark.django_db

# Thousands where the plan is checked (fewer, and a seq scan of the districts costs about what their
# two indexes do); a few hundred are enough for the results on SQLite.
ROWS = 3000 if connection.vendor == "postgresql" else 300
BIG_TABLES = ("sourcing_solicitation", "contracts_masteragreement", "vendors_vendor", "orgs_organisation",
              "members_district", "members_membership")
WORDS = ("reading math science phonics fluency algebra geometry writing spelling coding robotics "
         "chromebook laptop tablet display projector camera headset keyboard charger network").split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.sample(WORDS, n))


@pytest.fixture
def thousands(db):
    """ROWS districts (members), vendors (each with an active agreement) and solicitations with
    ordinary words; five of each carry the rare word "quokka" (in a different column each time)."""
    from accounts.models import User
    from catalog.models import Category
    from contracts.models import MasterAgreement
    from members.models import District, Membership
    from orgs.models import Organisation
    from sourcing.models import Award, Bid, Solicitation
    from vendors.models import Vendor

    rng = random.Random(5)
    now, today = timezone.now(), timezone.localdate()
    rare = set(range(0, ROWS, ROWS // 5))
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind="district", name=f"{_words(rng, 2)} {'Quokka ' if i in rare else ''}Unified {i}",
                      slug=f"search-lea-{i}", state="CA") for i in range(ROWS)], batch_size=1000)
    districts = District.objects.bulk_create(
        [District(organisation=o, state="CA", state_leaid=f"CA-S{i:06d}", city=_words(rng, 1).title(),
                  county=f"{_words(rng, 1).title()} County") for i, o in enumerate(orgs)], batch_size=1000)
    Membership.objects.bulk_create([Membership(district=d, state="active", applied_at=now) for d in districts],
                                   batch_size=1000)
    vorgs = Organisation.objects.bulk_create(
        [Organisation(kind="vendor", name=f"Vendor {i}", slug=f"search-vendor-{i}") for i in range(ROWS)],
        batch_size=1000)
    vendors = Vendor.objects.bulk_create(
        [Vendor(organisation=o, legal_name=f"{_words(rng, 2).title()} {'Quokka ' if i in rare else ''}{i} LLC")
         for i, o in enumerate(vorgs)], batch_size=1000)
    category = Category.objects.create(code="search-index", name="Search index")
    solicitations = Solicitation.objects.bulk_create([
        Solicitation(number=f"SOL-S-{i:05d}", title=f"{_words(rng, 3)} {'quokka' if i in rare else ''}",
                     description=_words(rng, 8), category=category, state="award_notice",
                     questions_deadline=now, bid_deadline=now, published_at=now) for i in range(ROWS)],
        batch_size=1000)
    award = Award.objects.create(solicitation=solicitations[0], version=1, method="multi_award",
                                 notice_published_at=now, standstill_ends_at=now,
                                 created_by=User.objects.create(email="search-index@example.org"))
    bids = Bid.objects.bulk_create([Bid(solicitation=s, vendor=v, submitted_at=now, sealed=b"x", digest="x")
                                    for s, v in zip(solicitations, vendors)], batch_size=1000)
    MasterAgreement.objects.bulk_create([
        MasterAgreement(number=f"MA-S-{i:05d}", vendor_id=b.vendor_id, solicitation_id=b.solicitation_id,
                        award=award, bid=b, title=_words(rng, 3), award_kind="multi_award", state="active",
                        start_date=today - dt.timedelta(days=10), end_date=today + dt.timedelta(days=900),
                        max_term_years=5, admin_fee_rate=Decimal("0.02"))
        for i, b in enumerate(bids)], batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does in production: the GIN indexes' pending entries merged (bulk
            # inserts leave them pending, which the planner prices high) and the statistics taken.
            cursor.execute("SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index "
                           "JOIN pg_class ON pg_class.oid = indexrelid WHERE relname LIKE '%%_utrgm'")
            for table in BIG_TABLES:
                cursor.execute(f"ANALYZE {table}")


def test_the_search_finds_the_rare_word_and_uses_the_trigram_indexes(thousands):
    results = search("quokka")
    assert len(results.solicitations) == 5 and all("quokka" in s.title for s in results.solicitations)
    assert len(results.vendors) == 5 and len(results.members) == 5
    assert len(results.agreements) == 5  # by their vendors' legal names
    assert search("QUOKKA unified").members == results.members
    assert search("quokka zzz").count == 0
    if connection.vendor != "postgresql":
        return  # trigram indexes exist on PostgreSQL only
    for kind, qs in search_querysets(["quokka"]).items():
        plan = qs[:10].explain()
        assert "_utrgm" in plan, f"{kind}:\n{plan}"
        assert not [t for t in BIG_TABLES if f"Seq Scan on {t}" in plan], f"{kind}:\n{plan}"
    members = search_querysets(["quokka"])["members"][:10].explain()
    assert "orgs_organisation_name_utrgm" in members, members
    agreements = search_querysets(["quokka"])["agreements"][:10].explain()
    assert "vendors_vendor_legal_name_utrgm" in agreements, agreements

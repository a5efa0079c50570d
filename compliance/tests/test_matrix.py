"""The matrix agrees with single checks on random data (seeded), and stays set-based: the number
of queries does not grow with the number of products or states."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from compliance.selectors.verdicts import compliance_check, compliance_matrix, matrix_cell_of
from compliance.tests.conftest import (add_attestation, add_dpa, add_vpat, make_district,
                                       make_product)
from members.models import Membership
from vendors.services import vendor_create
from tests.cast import SYSTEM

STATES = ["CA", "NY", "IL", "TX", "UT", "CT", "WY", "VA", "DC", "AL"]  # WY, DC, AL: no state rules
DATA = ["student_identifiers", "assessment", "demographics", "student_work"]
BANDS = ["PK", "K-2", "3-5", "6-8", "9-12", "adult"]
KINDS = ["software", "content", "device", "service"]


def random_world(seed: int):
    rng = random.Random(seed)
    vendors = [vendor_create(name=f"Random vendor {seed}-{i}", actor=SYSTEM) for i in range(3)]
    products = []
    for i in range(10):
        vendor = rng.choice(vendors)
        products.append(make_product(vendor, name=f"Product {i}", kind=rng.choice(KINDS),
                                     data=tuple(rng.sample(DATA, rng.randint(0, 2))),
                                     bands=tuple(rng.sample(BANDS, rng.randint(1, 3)))))
    districts = []
    for i in range(7):
        state = rng.choice(STATES)
        district = make_district(f"Random district {i}", state, f"{seed}{i:03d}",
                                 member=rng.random() < 0.8,
                                 population=rng.choice([None, 20000, 90000]),
                                 enrollment=rng.choice([None, 2000, 15000]))
        if rng.random() < 0.15:
            Membership.objects.filter(district=district).update(state="suspended")
        districts.append(district)
    for _ in range(14):
        district = rng.choice(districts)
        covered = [p for p in rng.sample(products, 3)]
        vendor = covered[0].vendor
        covered = [p for p in covered if p.vendor_id == vendor.pk]
        lapsed = rng.random() < 0.3
        offer = rng.random() < 0.5
        add_dpa(vendor, district, covered, signed=-rng.randint(50, 900),
                expires=-rng.randint(1, 40) if lapsed else rng.choice([None, 200]),
                offer=offer, until=rng.choice([None, 30, -5]) if offer else None)
    for product in rng.sample(products, 6):
        add_vpat(product, standard=rng.choice(["WCAG 2.0", "WCAG 2.1", "WCAG 2.2"]),
                 level=rng.choice(["A", "AA"]), dated=-rng.randint(10, 900))
    for vendor in vendors:
        for kind in ("coppa", "nist_csf"):
            if rng.random() < 0.5:
                add_attestation(vendor, kind, dated=-rng.randint(10, 900))
    return rng, products, districts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matrix_agrees_with_single_checks(cast, rules, seed):
    rng, products, districts = random_world(seed)
    all_products = Product.objects.filter(pk__in=[p.pk for p in products])
    seen = set()
    for district in districts:
        award_kind = rng.choice([None, "multi_award", "single_award"])
        value = rng.choice([None, Decimal("20000"), Decimal("130000")])
        matrix = compliance_matrix(products=all_products, district=district, award_kind=award_kind,
                                   annual_value=value)
        assert matrix.states == [district.state]
        by_id = {pf.id: cells[0] for pf, cells in matrix.rows}
        for product in products:
            single = compliance_check(district=district, product=product, award_kind=award_kind,
                                      annual_value=value)
            assert by_id[product.pk] == matrix_cell_of(single), (district.state, product.name)
            seen.add(single.verdict.verdict)
    # State columns: a member district with no agreements of its own and unknown population.
    matrix = compliance_matrix(products=all_products, states=STATES)
    for index, state in enumerate(STATES):
        fresh = make_district(f"Fresh {state}", state, f"9{seed}{index:02d}", population=None,
                              enrollment=None)
        for pf, cells in matrix.rows:
            single = compliance_check(district=fresh, product=Product.objects.get(pk=pf.id))
            assert cells[index] == matrix_cell_of(single), (state, pf.name)
            seen.add(cells[index].verdict)
    # the data exercises all four
    assert seen == {"allowed", "allowed_after_steps", "not_researched", "blocked"}


def test_matrix_query_count_does_not_grow(cast, rules):
    for i in range(3):
        make_product(cast.vendor_a, name=f"Small {i}")
    with CaptureQueriesContext(connection) as small:
        compliance_matrix(products=Product.objects.all(), states=["CA", "NY"])
    for i in range(30):
        product = make_product(cast.vendor_b if i % 2 else cast.vendor_a, name=f"Big {i}")
        if i % 3 == 0:
            add_vpat(product)
            add_dpa(product.vendor, cast.district_b, [product], offer=True)
    with CaptureQueriesContext(connection) as big:
        matrix = compliance_matrix(products=Product.objects.all(), states=None)
    assert len(matrix.states) == 51 and len(matrix.rows) == 33
    assert len(big.captured_queries) == len(small.captured_queries) <= 8

"""Property: hard must-haves filter exactly, over generated products. Whatever the facts and the
codes asked, every product shown meets every hard must-have (read from the product itself, not
the search table's copy), and, for a need without words, every active product meeting them is
shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import musthaves
from catalog.choices import ACCESSIBILITY, GRADE_BANDS, INTEROPERABILITY, LANGUAGES, PRODUCT_FAMILIES, SUBJECTS
from catalog.models import Category, Product
from matching.index import index_refresh
from matching.selectors import match
from matching.spec import need_spec

CODES = [code for code, _ in musthaves.all_choices()]
WORDS = ["reading", "math", "chromebook", "tutoring", "display", "science"]


def subset(choices, most=4):
    return st.lists(st.sampled_from([c for c, _ in choices]), max_size=most, unique=True)


product_facts = st.fixed_dictionaries({
    "kind": st.sampled_from([c for c, _ in PRODUCT_FAMILIES]),
    "grade_bands": subset(GRADE_BANDS),
    "subjects": subset(SUBJECTS, 3),
    "languages": subset(LANGUAGES[:6], 3),
    "interoperability": subset(INTEROPERABILITY, 4),
    "accessibility": st.sampled_from([c for c, _ in ACCESSIBILITY]),
    "essa_tier": st.one_of(st.none(), st.integers(1, 4)),
    "data_collected": st.sampled_from([[], ["assessment"], ["student_identifiers", "schedule"]]),
    "active": st.booleans(),
    "word": st.sampled_from(WORDS),
})


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(products=st.lists(product_facts, min_size=1, max_size=12), data=st.data(),
       words=st.sampled_from(["", "", "reading", "math science", "chromebook tutoring display"]))
def test_hard_must_haves_filter_exactly(cast, products, data, words):
    # Codes mostly among those some generated product meets, so that results are not all empty.
    met_by_some = [c for c in CODES if any(musthaves.met(c, f) for f in products)] or CODES
    hard = data.draw(st.lists(st.one_of(st.sampled_from(met_by_some), st.sampled_from(CODES)),
                              min_size=1, max_size=3, unique=True))
    category = Category.objects.get_or_create(code="prop", defaults={"name": "Property"})[0]
    with transaction.atomic():
        made = Product.objects.bulk_create([
            Product(vendor=cast.vendor_a, category=category, name=f"Generated {i} {f['word']}",
                    description=f"A {f['word']} product.", list_price=Decimal("10.00"), unit="each",
                    price_unit="per_student", **{k: v for k, v in f.items() if k != "word"})
            for i, f in enumerate(products)])
        index_refresh(product_ids=[p.pk for p in made])
        outcome = match(need_spec(text=words, must_haves=hard), limit=50, explain=False)
        shown = {r.product.pk for r in outcome.results}
        by_pk = {p.pk: p for p in made}
        for pk in shown:
            assert not musthaves.unmet(hard, by_pk[pk]), (hard, pk)
        if not words:
            meeting = {p.pk for p in made if p.active and not musthaves.unmet(hard, p)}
            assert shown == meeting
        transaction.set_rollback(True)

"""Matching: text search on both databases' full-text index, hard must-haves exact, results in
agreement-first order and explained."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.services import ProductData, category_ensure, product_create, product_data_from, product_update
from matching.index import index_refresh
from matching.models import SearchDoc
from matching.selectors import match
from matching.spec import need_spec
from tests.cast import SYSTEM


def product(vendor, name, description="", *, category="reading", kind="software",
            grade_bands=(), subjects=(), interoperability=(), price="10.00", data=("student_identifiers",)):
    cat = category_ensure(code=category, name=category.title(), actor=SYSTEM)
    return product_create(vendor=vendor, data=ProductData(
        name=name, category=cat, kind=kind, list_price=Decimal(price), unit="student/year",
        description=description, grade_bands=list(grade_bands), subjects=list(subjects),
        interoperability=list(interoperability), data_collected=list(data)), actor=SYSTEM)


@pytest.fixture
def corpus(cast):
    v = cast.vendor_a
    return {
        "phonics": product(v, "Bright Phonics", "Systematic phonics and decoding for early readers.",
                           grade_bands=["K-2"], subjects=["ela"], interoperability=["oneroster", "clever"]),
        "fluency": product(v, "Fluency Coach", "Oral reading fluency practice with a reading tutor.",
                           grade_bands=["3-5"], subjects=["ela"], interoperability=["clever"]),
        "algebra": product(v, "Algebra Quest", "Adaptive algebra and geometry practice.",
                           category="math", grade_bands=["6-8", "9-12"], subjects=["math"]),
        "chromebook": product(cast.vendor_b, "Acer Chromebook 311", "Rugged 11-inch Chromebook for 1:1 programs.",
                              category="chromebooks", kind="device", price="289.00", data=()),
        "lms": product(cast.vendor_b, "Canvas-like LMS", "Learning management system with LTI 1.3.",
                       category="lms", interoperability=["lti13"]),
    }


def ids(outcome):
    return [r.product.pk for r in outcome.results]


def test_words_find_products_and_rank_by_relevance(corpus):
    outcome = match(need_spec(text="K-2 phonics"))
    assert ids(outcome)[0] == corpus["phonics"].pk
    assert corpus["chromebook"].pk not in ids(outcome)
    assert "grade:K-2" in outcome.soft  # the hint read from "K-2"


def test_plurals_abbreviations_and_typos(corpus):
    assert ids(match(need_spec(text="1:1 chromebooks")))[0] == corpus["chromebook"].pk
    assert ids(match(need_spec(text="LMS")))[0] == corpus["lms"].pk
    typo = match(need_spec(text="algebar"))
    assert ids(typo)[0] == corpus["algebra"].pk and typo.parsed.notes


def test_hard_must_haves_filter_exactly(corpus):
    outcome = match(need_spec(text="reading", must_haves=["grade:K-2"]))
    assert ids(outcome) == [corpus["phonics"].pk]
    assert match(need_spec(text="reading", must_haves=["interop:lti13"])).results == []
    # soft ones rank but do not filter
    soft = match(need_spec(text="reading", nice_to_haves=["grade:3-5"]))
    assert ids(soft)[0] == corpus["fluency"].pk and corpus["phonics"].pk in ids(soft)


def test_must_haves_alone_list_every_product_having_them(corpus):
    assert set(ids(match(need_spec(must_haves=["interop:clever"])))) == {corpus["phonics"].pk, corpus["fluency"].pk}


def test_index_follows_product_changes(corpus, cast):
    p = corpus["algebra"]
    product_update(product=p, data=product_data_from(p, name="Geometry Garden", description="Shapes."),
                   actor=SYSTEM)
    assert corpus["algebra"].pk not in ids(match(need_spec(text="algebra")))
    assert ids(match(need_spec(text="geometry garden")))[0] == p.pk
    SearchDoc.objects.all().delete()
    assert match(need_spec(text="geometry")).results == []
    index_refresh(everything=True)
    assert ids(match(need_spec(text="geometry")))[0] == p.pk


@pytest.mark.parametrize("raw,field", [
    ({"text": ""}, "text"),
    ({"text": "x" * 501}, "text"),
    ({"text": "a\x00b"}, "text"),
    ({"text": "ok", "quantity": 0}, "quantity"),
    ({"text": "ok", "quantity": 10**12}, "quantity"),
    ({"text": "ok", "budget_per_unit": "-1"}, "budget_per_unit"),
    ({"text": "ok", "budget_per_unit": "1.001"}, "budget_per_unit"),
    ({"text": "ok", "must_haves": ["grade:K-20"]}, "must_haves"),
])
def test_absurd_needs_are_refused_by_field(raw, field):
    with pytest.raises(ValidationError) as refused:
        need_spec(**raw)
    assert field in refused.value.message_dict


def test_fts_syntax_in_words_is_harmless(corpus):
    for text in ['"phonics', "phonics OR", "NEAR(a b)", "*", "a:* | b", "((", "'; DROP TABLE x"]:
        match(need_spec(text=text))  # no database error

"""Issue 15, "three answers to one question": for the same district and product, the catalog
(its "can my district buy this?" row and each agreement's row), `GET /api/v1/compliance/check`
and the matrix give one verdict. The check and the matrix take the agreement (or the district's
participation with its board finding) into account when one is named or implied. A property test
over random districts, products, evidence and agreements proves catalog == check == matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Product
from compliance.selectors.verdicts import compliance_check, compliance_matrix, matrix_cell_of
from compliance.services.dpa_sides import dpa_district_sign
from compliance.services.evidence import accessibility_report_add, attestation_add, dpa_create
from compliance.tests.conftest import make_district
from contracts.selectors.catalog import best_offer, catalog_items, catalog_search
from contracts.services.agreements import amendment_decide, amendment_propose
from contracts.services.participation import participation_countersign
from contracts.tests.test_board_finding import _join
from contracts.tests.test_join_cases import single_award  # noqa: F401 (fixture)
from core.locks import batch
from tests.cast import SYSTEM
from tests.helpers import pdf, products_of, token


def _scene(cast, awarded, agreements, single_award):  # noqa: F811
    """Two multi-award agreements (vendors A and B) and a single-award one (vendor A) that also
    offers vendor A's device; district A joined vendor A's multi-award agreement with its board
    finding (countersigned); districts in CA, NY and WY (no state rules)."""
    staff = cast.actor(cast.staff)
    device = products_of(agreements[cast.vendor_a.pk])[0]
    amendment = amendment_propose(agreement=single_award, kind="add_products", summary="Also the device",
                                  set_entries=[{"product": device.pk, "line_reference": "LMS",
                                                "tiers": [{"min_quantity": 1, "unit_price": "6.00"}]}],
                                  actor=staff)
    amendment_decide(amendment=amendment, approve=True, actor=staff)
    participation = _join(cast, awarded, agreements, board_finding_on=timezone.localdate() - dt.timedelta(days=3),
                          board_finding_reference="Resolution 2026-17")
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    ny = make_district("Empire CSD", "NY", "900", population=60000)
    wy = make_district("Cowboy County SD", "WY", "900", population=None, enrollment=None)
    products = sorted({p.pk: p for a in [*agreements.values(), single_award] for p in products_of(a)}.values(),
                      key=lambda p: p.pk)
    return [cast.district_a, cast.district_b, ny, wy], products


def _evidence(cast, district, product, dpa: str, offer: bool, vpat: bool, attest: set[str]):
    today = timezone.localdate()
    vendor = product.vendor
    if dpa in ("signed", "proposed"):
        made = dpa_create(vendor=vendor, district=district, template="ndpa", signed_on=today - dt.timedelta(days=20),
                          products=[product], document=pdf(), actor=SYSTEM)
        if dpa == "signed":
            dpa_district_sign(dpa=made, signed_on=made.signed_on, document=pdf(), actor=SYSTEM)
    if offer:
        other = make_district("Offering district", district.state, "901")
        made = dpa_create(vendor=vendor, district=other, template="ndpa", signed_on=today - dt.timedelta(days=40),
                          products=[product], document=pdf(), general_offer=True, actor=SYSTEM)
        dpa_district_sign(dpa=made, signed_on=made.signed_on, document=pdf(), actor=SYSTEM)
    if vpat:
        accessibility_report_add(product=product, standard="WCAG 2.1", level="AA",
                                 report_date=today - dt.timedelta(days=10), document=pdf(), actor=SYSTEM)
    for kind in sorted(attest):
        attestation_add(vendor=vendor, kind=kind, attested_on=today - dt.timedelta(days=10), document=pdf(),
                        actor=SYSTEM)


def _answers(district, product):
    """(catalog's answer, the check's, the matrix cell), and each catalog row against the check
    under that row's agreement."""
    items = catalog_items(list(catalog_search(product_id=product.pk)), district=district)
    best = best_offer(items)
    check = compliance_check(district=district, product=product)
    matrix = compliance_matrix(products=Product.objects.filter(pk=product.pk), district=district)
    rows = [(item.verdict, matrix_cell_of(compliance_check(district=district, product=product,
                                                           agreement_id=item.agreement.pk)))
            for item in items]
    return best, check, matrix.rows[0][1][0], rows


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_catalog_check_and_matrix_give_one_verdict(cast, awarded, agreements, single_award,  # noqa: F811
                                                   general_offer, data):
    if not hasattr(cast, "one_verdict_scene"):
        cast.one_verdict_scene = _scene(cast, awarded, agreements, single_award)
    districts, products = cast.one_verdict_scene
    district = data.draw(st.sampled_from(districts), label="district")
    product = data.draw(st.sampled_from(products), label="product")
    dpa = data.draw(st.sampled_from(["none", "signed", "proposed"]), label="dpa")
    offer = data.draw(st.booleans(), label="offer")
    vpat = data.draw(st.booleans(), label="vpat")
    attest = data.draw(st.sets(st.sampled_from(["coppa", "nist_csf"])), label="attestations")
    with transaction.atomic(), batch():  # many services in one savepoint, rolled back below
        _evidence(cast, district, product, dpa, offer, vpat, attest)
        best, check, cell, rows = _answers(district, product)
        transaction.set_rollback(True)
    assert best is not None  # every product of the scene is on an agreement in force
    assert best.verdict == matrix_cell_of(check) == cell, (district.state, product.name)
    assert check.context is not None and check.context.agreement_id == best.agreement.pk
    for row, under_agreement in rows:
        assert row == under_agreement


def test_the_board_finding_counts_in_the_check_and_matrix_as_in_the_catalog(client, cast, awarded, agreements,
                                                                            single_award, general_offer):  # noqa: F811
    """The defect of issue 15: the catalog said "allowed" (it counted the board finding recorded
    when the district joined) while the check and the matrix said "allowed after steps"."""
    _scene(cast, awarded, agreements, single_award)
    licence = products_of(agreements[cast.vendor_a.pk])[1]
    for product in products_of(agreements[cast.vendor_a.pk]):
        accessibility_report_add(product=product, standard="WCAG 2.1", level="AA",
                                 report_date=timezone.localdate() - dt.timedelta(days=5), document=pdf(),
                                 actor=SYSTEM)
    best, check, cell, _ = _answers(cast.district_a, licence)
    assert best.verdict.verdict == "allowed"
    assert check.verdict.verdict == "allowed" and cell.verdict == "allowed"
    body = client.get(f"/api/v1/compliance/check?product={licence.pk}", **token(cast.buyer_a)).json()
    assert body["verdict"] == "allowed" and body["agreement"] == agreements[cast.vendor_a.pk].number
    assert body["board_finding"] and "Resolution 2026-17" in body["board_finding"]
    # named: vendor B's agreement has no finding of district A's: a step there
    other = products_of(agreements[cast.vendor_b.pk])[1]
    named = client.get(f"/api/v1/compliance/check?product={other.pk}&agreement={agreements[cast.vendor_b.pk].pk}",
                       **token(cast.buyer_a)).json()
    assert named["verdict"] != "allowed" and named["board_finding"] is None
    # an agreement that does not offer the product is refused, not guessed
    refused = client.get(f"/api/v1/compliance/check?product={licence.pk}&agreement={agreements[cast.vendor_b.pk].pk}",
                         **token(cast.buyer_a))
    assert refused.status_code == 422
    # a hypothetical kind of contract stays hypothetical (no agreement, no finding)
    hypo = compliance_check(district=cast.district_a, product=licence, award_kind="multi_award",
                            annual_value=Decimal(1000))
    assert hypo.context is None and hypo.verdict.verdict == "allowed_after_steps"

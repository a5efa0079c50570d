"""Issue 15: a DPA a vendor alone recorded counts for nothing until the district's side is
recorded ("proposed by the vendor"); joinders to an agreement the vendor withdraws are flagged
for review, their districts told, and count as missing until reviewed."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from compliance.models import DataPrivacyAgreement
from compliance.selectors.verdicts import compliance_check, compliance_matrix
from compliance.services.dpa_sides import dpa_district_sign, dpa_joinder_review
from compliance.services.evidence import dpa_joinder_adopt, dpa_update, dpa_withdraw
from compliance.tests.conftest import actor_of, add_dpa, add_vpat, days, make_product
from compliance.tests.test_pages import login
from tests.cast import SYSTEM
from tests.helpers import pdf
from tests.helpers import token as bearer


def privacy(district, product):
    v = compliance_check(district=district, product=product).verdict
    return next(r for r in v.reasons if r.rule_id == "ca-ab1584")


def test_a_vendor_alone_only_proposes_and_the_district_countersigns(cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    vendor = actor_of(cast.vendor_user_a)
    from compliance.services.evidence import dpa_create

    dpa = dpa_create(vendor=cast.vendor_a, district=cast.district_a, template="ndpa",
                     signed_on=days(-5), products=[product], document=pdf(), general_offer=True,
                     actor=vendor)
    assert dpa.proposed and dpa.status_today == "proposed by the vendor" and not dpa.in_force_on(days(0))
    reason = privacy(cast.district_a, product)
    assert reason.effect == "step" and "only proposed by the vendor" in reason.summary
    assert reason.evidence[0].status == "proposed by the vendor"
    # its general offer cannot be adopted either
    with pytest.raises(ValidationError, match="only proposed by the vendor"):
        dpa_joinder_adopt(district=cast.district_b, dpa=dpa, actor=SYSTEM)
    assert privacy(cast.district_b, product).effect == "block"
    # the vendor cannot countersign for the district, nor can another district
    with pytest.raises(PermissionDenied):
        dpa_district_sign(dpa=dpa, actor=vendor)
    with pytest.raises(PermissionDenied):
        dpa_district_sign(dpa=dpa, actor=actor_of(cast.buyer_b))
    signed = dpa_district_sign(dpa=dpa, actor=actor_of(cast.buyer_a))
    assert signed.district_side == "countersigned" and signed.district_signed_on == days(0)
    assert privacy(cast.district_a, product).effect == "satisfied"
    assert AuditEvent.objects.filter(action="dpa.district_signed").count() == 1
    # a double submit changes nothing
    with pytest.raises(ValidationError, match="already recorded"):
        dpa_district_sign(dpa=dpa, actor=actor_of(cast.buyer_a))
    assert AuditEvent.objects.filter(action="dpa.district_signed").count() == 1
    # now the offer is adoptable
    dpa_joinder_adopt(district=cast.district_b, dpa=dpa, actor=SYSTEM)
    assert privacy(cast.district_b, product).effect == "satisfied"
    # the vendor changing the countersigned terms makes it proposed again
    other = make_product(cast.vendor_a, name="Other", bands=("9-12",))
    dpa_update(dpa=dpa, template="ndpa", signed_on=days(-5), products=[product, other], actor=vendor)
    dpa.refresh_from_db()
    assert dpa.proposed and privacy(cast.district_a, other).effect == "step"


def test_staff_record_the_districts_signed_copy(cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    dpa = add_dpa(cast.vendor_a, cast.district_a, [product], countersigned=False)
    staff = actor_of(cast.staff)
    with pytest.raises(ValidationError) as refused:
        dpa_district_sign(dpa=dpa, actor=staff)
    assert set(refused.value.message_dict) == {"signed_on", "document"}
    with pytest.raises(ValidationError):
        dpa_district_sign(dpa=dpa, actor=staff, signed_on=days(3), document=pdf())  # future
    dpa.refresh_from_db()
    assert dpa.proposed
    done = dpa_district_sign(dpa=dpa, actor=staff, signed_on=days(-2), document=pdf())
    assert done.district_side == "copy_recorded" and done.district_document
    assert privacy(cast.district_a, product).effect == "satisfied"
    # counts from the later signature: not before the district signed
    before = compliance_check(district=cast.district_a, product=product, on_date=days(-3)).verdict
    assert next(r for r in before.reasons if r.rule_id == "ca-ab1584").effect != "satisfied"


def test_pages_and_api_for_the_district_side(client, cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    dpa = add_dpa(cast.vendor_a, cast.district_a, [product], countersigned=False)
    login(client, cast.buyer_a)
    page = client.get("/compliance/offers/").content.decode()
    assert "proposed by the vendor" in page and f"/compliance/dpas/{dpa.pk}/countersign/" in page
    confirm = client.get(f"/compliance/dpas/{dpa.pk}/countersign/")
    assert confirm.status_code == 200 and "Countersign" in confirm.content.decode()
    unconfirmed = client.post(f"/compliance/dpas/{dpa.pk}/countersign/")
    dpa.refresh_from_db()
    assert unconfirmed.status_code == 409 and dpa.proposed
    login(client, cast.buyer_b)  # another district: as if it did not exist
    assert client.get(f"/compliance/dpas/{dpa.pk}/countersign/").status_code == 404
    # API: another district 404, the district itself countersigns, twice is refused
    other = bearer(cast.buyer_b)
    assert client.post(f"/api/v1/compliance/dpas/{dpa.pk}/countersign", **other).status_code == 404
    mine = bearer(cast.buyer_a)
    body = client.post(f"/api/v1/compliance/dpas/{dpa.pk}/countersign", **mine).json()
    assert body["district_side"] == "countersigned" and body["status"] == "in force"
    again = client.post(f"/api/v1/compliance/dpas/{dpa.pk}/countersign", **mine)
    assert again.status_code == 422
    # staff record a copy through the API
    second = add_dpa(cast.vendor_a, cast.district_b, [product], countersigned=False)
    staff = bearer(cast.staff)
    response = client.post(f"/api/v1/compliance/dpas/{second.pk}/district-copy",
                           {"signed_on": days(-1).isoformat(), "document": pdf()}, **staff)
    assert response.status_code == 200, response.content
    assert response.json()["district_side"] == "copy_recorded"
    login(client, cast.staff)
    assert client.get(f"/compliance/dpas/{second.pk}/district-copy/").status_code == 200


def test_joinders_to_a_withdrawn_agreement_are_flagged_told_and_reviewed(cast, rules):
    from inbox.models import Notice

    product = make_product(cast.vendor_a, bands=("9-12",))
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True)
    joinder = dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))
    assert privacy(cast.district_a, product).effect == "satisfied"
    dpa_withdraw(dpa=offer, reason="Signed in error", actor=actor_of(cast.vendor_user_a))
    joinder.refresh_from_db()
    assert joinder.review_pending and "Signed in error" in joinder.review_reason
    assert joinder.status_today == "under review"
    reason = privacy(cast.district_a, product)
    assert reason.effect == "step" and "under review" in reason.summary
    # the district's buyers and approvers were told
    assert Notice.objects.filter(subject__contains=f"joinder #{joinder.pk}").exists()
    # the matrix agrees
    matrix = compliance_matrix(products=type(product).objects.filter(pk=product.pk), district=cast.district_a)
    assert matrix.rows[0][1][0].verdict == compliance_check(district=cast.district_a,
                                                             product=product).verdict.verdict
    # a vendor or another district cannot review it; ending needs a reason
    with pytest.raises(PermissionDenied):
        dpa_joinder_review(joinder=joinder, outcome="kept", actor=actor_of(cast.vendor_user_a))
    with pytest.raises(PermissionDenied):
        dpa_joinder_review(joinder=joinder, outcome="kept", actor=actor_of(cast.buyer_b))
    with pytest.raises(ValidationError):
        dpa_joinder_review(joinder=joinder, outcome="ended", note="", actor=actor_of(cast.buyer_a))
    with pytest.raises(ValidationError):
        dpa_joinder_review(joinder=joinder, outcome="maybe", actor=actor_of(cast.buyer_a))
    with pytest.raises(ValidationError):
        dpa_joinder_review(joinder=joinder, outcome="kept", note="x\x00", actor=actor_of(cast.buyer_a))
    kept = dpa_joinder_review(joinder=joinder, outcome="kept", note="Our board adopted these terms",
                              actor=actor_of(cast.buyer_a))
    assert kept.review_outcome == "kept" and privacy(cast.district_a, product).effect == "satisfied"
    with pytest.raises(ValidationError, match="not waiting"):
        dpa_joinder_review(joinder=joinder, outcome="ended", note="again", actor=actor_of(cast.buyer_a))


def test_ending_a_joinder_on_review_withdraws_it(client, cast, rules):
    product = make_product(cast.vendor_a, bands=("9-12",))
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True)
    joinder = dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))
    dpa_withdraw(dpa=offer, reason="Signed in error", actor=actor_of(cast.vendor_user_a))
    login(client, cast.buyer_a)
    page = client.get("/compliance/offers/").content.decode()
    assert "under review" in page and f"/compliance/dpas/{joinder.pk}/review/" in page
    login(client, cast.buyer_b)
    assert client.post(f"/compliance/dpas/{joinder.pk}/review/", {"outcome": "kept"}).status_code == 404
    api = bearer(cast.staff)
    response = client.post(f"/api/v1/compliance/dpas/{joinder.pk}/review",
                           data='{"outcome": "ended", "note": "The district will sign its own"}',
                           content_type="application/json", **api)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn" and response.json()["review_outcome"] == "ended"
    assert privacy(cast.district_a, product).effect == "block"


def test_migration_makes_vendor_only_dpas_proposed_and_flags_joinders(cast, rules):
    migration = importlib.import_module("compliance.migrations.0004_dpa_district_side_and_joinder_review")
    from django.apps import apps

    product = make_product(cast.vendor_a, bands=("9-12",))
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True)
    joinder = dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=SYSTEM)
    # as the rows stood before the migration: no district side, offer withdrawn without a flag
    DataPrivacyAgreement.objects.update(district_signed_on=None, district_side="")
    DataPrivacyAgreement.objects.filter(pk=offer.pk).update(withdrawn_at=timezone.now(),
                                                            withdrawn_reason="Signed in error")
    migration.district_sides(apps, None)
    offer.refresh_from_db()
    joinder.refresh_from_db()
    assert offer.proposed
    assert joinder.district_side == "joinder" and joinder.district_signed_on == joinder.signed_on
    assert joinder.review_pending and "Signed in error" in joinder.review_reason
    assert not joinder.in_force_on(timezone.localdate())

"""Vendors manage their evidence: correct a DPA, a report or an attestation, close a general
offer early, withdraw a record with its reason. Only the vendor's own users; every change audited
with before and after; withdrawn evidence counts as missing in verdicts (and in the matrix);
decisions already recorded keep what they used."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.actions import AuditAction
from audit.models import AuditEvent
from catalog.models import Product
from compliance.models import DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.selectors.verdicts import compliance_check, compliance_matrix, matrix_cell_of
from compliance.services.decisions import compliance_decision_record
from compliance.services.evidence import (accessibility_report_update, accessibility_report_withdraw,
                                          attestation_update, attestation_withdraw,
                                          dpa_joinder_adopt, dpa_offer_close, dpa_update,
                                          dpa_withdraw)
from compliance.tests.conftest import add_attestation, add_dpa, add_vpat, days, make_product, today
from tests.cast import SYSTEM
from tests.helpers import login, pdf
from tests.helpers import token as bearer


@pytest.fixture
def world(cast, rules):
    """Vendor A's product with district B's DPA carrying an open general offer, a WCAG 2.1 AA
    report and a COPPA attestation; a second product of vendor A; one of vendor B."""
    cast.product = make_product(cast.vendor_a)
    cast.other = make_product(cast.vendor_a, name="Math Pro")
    cast.foreign = make_product(cast.vendor_b, name="Their Tool")
    cast.dpa = add_dpa(cast.vendor_a, cast.district_b, [cast.product], offer=True, signed=-100)
    cast.report = add_vpat(cast.product)
    cast.attestation = add_attestation(cast.vendor_a, "coppa")
    cast.vendor = cast.actor(cast.vendor_user_a)
    return cast


def reason_of(result, rule_id):
    return next(r for r in result.verdict.reasons if r.rule_id == rule_id)


def dpa_terms(dpa, **changes):
    terms = {"template": dpa.template, "template_version": dpa.template_version,
             "state_variant": dpa.state_variant, "products": list(dpa.products.all()),
             "signed_on": dpa.signed_on, "expires_on": dpa.expires_on}
    return {**terms, **changes}


# ---------------------------------------------------------------- services: DPAs


def test_vendor_corrects_a_dpa_and_the_change_is_audited_with_before_and_after(world):
    old_document = world.dpa.document.name
    dpa = dpa_update(dpa=world.dpa, **dpa_terms(world.dpa, template="state_variant",
                                                 template_version="v2.1", state_variant="CA-NDPA",
                                                 products=[world.product, world.other],
                                                 signed_on=days(-90), expires_on=days(700)),
                     document=pdf("new.pdf"), actor=world.vendor)
    dpa.refresh_from_db()
    assert (dpa.template, dpa.template_version, dpa.state_variant) == ("state_variant", "v2.1", "CA-NDPA")
    assert (dpa.signed_on, dpa.expires_on) == (days(-90), days(700))
    assert set(dpa.products.all()) == {world.product, world.other}
    assert dpa.document.name != old_document and dpa.general_offer and dpa.district == world.district_b
    event = AuditEvent.objects.get(action=AuditAction.DPA_UPDATED, object_id=str(dpa.pk))
    assert event.before["products"] == [world.product.pk] and event.before["document"] == old_document
    assert event.after["products"] == sorted([world.product.pk, world.other.pk])
    assert event.after["expires_on"] == days(700).isoformat() and event.actor_email == world.vendor_user_a.email
    # district B had countersigned other terms: the corrected agreement is proposed again (issue
    # 15), counted by nothing until district B countersigns the correction
    assert dpa.proposed and event.after["district_signed_on"] is None
    privacy = reason_of(compliance_check(district=world.district_b, product=world.other), "ca-ab1584")
    assert privacy.effect == "step" and privacy.evidence[0].status == "proposed by the vendor"
    from compliance.services.dpa_sides import dpa_district_sign

    dpa = dpa_district_sign(dpa=dpa, actor=world.actor(world.buyer_b))
    # the other product is now covered: district B's verdict on it uses the corrected agreement
    privacy = reason_of(compliance_check(district=world.district_b, product=world.other), "ca-ab1584")
    assert privacy.effect == "satisfied" and privacy.evidence[0].id == dpa.pk
    # nothing changed: nothing recorded
    dpa_update(dpa=dpa, **dpa_terms(dpa), actor=world.vendor)
    assert AuditEvent.objects.filter(action=AuditAction.DPA_UPDATED).count() == 1


@pytest.mark.parametrize("who", ["vendor_user_b", "staff", "buyer_b"])
def test_only_the_vendors_own_users_manage_its_evidence(world, who):
    actor = world.actor(getattr(world, who))
    with pytest.raises(PermissionDenied):
        dpa_update(dpa=world.dpa, **dpa_terms(world.dpa), actor=actor)
    with pytest.raises(PermissionDenied):
        dpa_offer_close(dpa=world.dpa, actor=actor)
    with pytest.raises(PermissionDenied):
        dpa_withdraw(dpa=world.dpa, reason="no", actor=actor)
    with pytest.raises(PermissionDenied):
        accessibility_report_withdraw(report=world.report, reason="no", actor=actor)
    with pytest.raises(PermissionDenied):
        attestation_withdraw(attestation=world.attestation, reason="no", actor=actor)
    world.dpa.refresh_from_db()
    assert world.dpa.withdrawn_at is None and world.dpa.general_offer_closed_on is None


def test_a_joinder_is_the_districts_record(world):
    joinder = dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    with pytest.raises(PermissionDenied, match="district"):
        dpa_update(dpa=joinder, **dpa_terms(joinder), actor=world.vendor)
    with pytest.raises(PermissionDenied):
        dpa_withdraw(dpa=joinder, reason="mine", actor=world.vendor)


def test_dpa_corrections_are_checked_and_name_the_field(world):
    def errors(**changes):
        with pytest.raises(ValidationError) as info:
            dpa_update(dpa=world.dpa, **dpa_terms(world.dpa, **changes), actor=world.vendor)
        return info.value.message_dict

    assert set(errors(products=[])) == {"products"}
    assert set(errors(products=[world.foreign])) == {"products"}
    assert set(errors(template="nope", signed_on=days(3))) == {"template", "signed_on"}
    assert "expire after" in errors(expires_on=days(-100))["expires_on"][0]
    with pytest.raises(ValidationError) as info:
        dpa_update(dpa=world.dpa, **dpa_terms(world.dpa),
                   document=SimpleUploadedFile("x.pdf", b"not a pdf"), actor=world.vendor)
    assert "document" in info.value.message_dict
    world.dpa.refresh_from_db()
    assert world.dpa.signed_on == days(-100) and not AuditEvent.objects.filter(action=AuditAction.DPA_UPDATED).exists()


def test_a_dpa_cannot_be_dated_after_a_district_adopted_its_offer(world, clock):
    clock.advance(days=-10)
    dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    clock.advance(days=10)
    with pytest.raises(ValidationError) as info:
        dpa_update(dpa=world.dpa, **dpa_terms(world.dpa, signed_on=days(-5)), actor=world.vendor)
    assert "adopted" in info.value.message_dict["signed_on"][0]


def test_closing_a_general_offer_early_keeps_the_joinders(world):
    joinder = dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    other = add_dpa(world.vendor_a, world.district_a, [world.other], offer=True)
    assert {d.pk for d in ev.general_offers_open(state="CA")} == {world.dpa.pk, other.pk}
    closed = dpa_offer_close(dpa=world.dpa, actor=world.vendor)
    assert closed.general_offer_closed_on == today() and not closed.offer_open_today
    assert closed.in_force_on(today())  # the agreement itself stays
    event = AuditEvent.objects.get(action=AuditAction.DPA_OFFER_CLOSED)
    assert event.before["general_offer_closed_on"] is None and event.after["general_offer_closed_on"] == today().isoformat()
    assert [d.pk for d in ev.general_offers_open(state="CA")] == [other.pk]
    # the joinder made before stays in force; no new adoption
    privacy = reason_of(compliance_check(district=world.district_a, product=world.product), "ca-ab1584")
    assert privacy.effect == "satisfied" and privacy.evidence[0].id == joinder.pk
    from members.models import District
    from compliance.tests.conftest import make_district
    third: District = make_district("Gamma Unified", "CA", "0300003")
    fresh = compliance_check(district=third, product=world.product)
    assert reason_of(fresh, "ca-ab1584").effect == "block"  # no offer to adopt any more
    with pytest.raises(ValidationError, match="closed"):
        dpa_joinder_adopt(district=third, dpa=world.dpa, actor=SYSTEM)
    with pytest.raises(ValidationError, match="already closed"):
        dpa_offer_close(dpa=world.dpa, actor=world.vendor)
    # the offer was open on earlier days: a check as of yesterday still sees it
    past = compliance_check(district=third, product=world.product, on_date=days(-1))
    assert reason_of(past, "ca-ab1584").effect == "step"


def test_closing_needs_an_open_offer(world):
    plain = add_dpa(world.vendor_a, world.district_a, [world.product])
    with pytest.raises(ValidationError, match="no general offer"):
        dpa_offer_close(dpa=plain, actor=world.vendor)


# ---------------------------------------------------------------- withdrawal and verdicts


def test_a_withdrawn_dpa_counts_as_missing_and_old_decisions_keep_theirs(world):
    before = compliance_check(district=world.district_b, product=world.product)
    assert reason_of(before, "ca-ab1584").effect == "satisfied"
    decision = compliance_decision_record(district=world.district_b, product=world.product,
                                          purpose="PO 1", actor=SYSTEM)
    with pytest.raises(ValidationError) as info:
        dpa_withdraw(dpa=world.dpa, reason="  ", actor=world.vendor)
    assert set(info.value.message_dict) == {"reason"}
    dpa = dpa_withdraw(dpa=world.dpa, reason="Signed by mistake: wrong district", actor=world.vendor)
    assert dpa.withdrawn_at is not None and dpa.status_on(today()) == "withdrawn"
    assert not dpa.in_force_on(today()) and not dpa.offer_open_today
    event = AuditEvent.objects.get(action=AuditAction.DPA_WITHDRAWN, object_id=str(dpa.pk))
    assert event.before["withdrawn_at"] is None and event.after["withdrawn_reason"] == "Signed by mistake: wrong district"
    after = compliance_check(district=world.district_b, product=world.product)
    privacy = reason_of(after, "ca-ab1584")
    assert after.verdict.verdict == "blocked" and privacy.effect == "block"
    assert privacy.missing and all(e.id != dpa.pk for e in privacy.evidence)
    # even for a date when it was in force: withdrawn evidence is never used
    past = compliance_check(district=world.district_b, product=world.product, on_date=days(-10))
    assert reason_of(past, "ca-ab1584").effect == "block"
    # its offer cannot be adopted, and it is not listed as current
    with pytest.raises(ValidationError, match="withdrew"):
        dpa_joinder_adopt(district=world.district_a, dpa=dpa, actor=world.actor(world.buyer_a))
    assert not ev.general_offers_open(state="CA").exists()
    assert not ev.dpa_list(vendor=world.vendor_a).exists()
    assert ev.dpa_list(vendor=world.vendor_a, include_withdrawn=True).get() == dpa
    # the matrix agrees with the single check (district B's column and a generic CA column)
    products = Product.objects.filter(pk=world.product.pk)
    mine = compliance_matrix(products=products, district=world.district_b)
    assert mine.rows[0][1][0] == matrix_cell_of(after)
    generic = compliance_matrix(products=products, states=["CA"])
    assert generic.rows[0][1][0].verdict == "blocked"
    # the decision recorded before keeps its verdict and reasons (naming the agreement used)
    decision.refresh_from_db()
    used = next(r for r in decision.reasons if r["rule_id"] == "ca-ab1584")
    assert used["effect"] == "satisfied" and used["evidence"][0]["id"] == dpa.pk
    # a withdrawn record cannot be changed or withdrawn again
    with pytest.raises(ValidationError, match="withdrawn"):
        dpa_update(dpa=dpa, **dpa_terms(dpa), actor=world.vendor)
    with pytest.raises(ValidationError, match="withdrawn"):
        dpa_withdraw(dpa=dpa, reason="again", actor=world.vendor)
    with pytest.raises(ValidationError, match="withdrawn"):
        dpa_offer_close(dpa=dpa, actor=world.vendor)


def test_withdrawing_the_offering_dpa_flags_the_joinders_for_review(world):
    """The policy of issue 15: the joinder stays (the district's record) but counts as missing
    until the district or staff review it; kept, it counts again."""
    from compliance.services.dpa_sides import dpa_joinder_review

    joinder = dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    dpa_withdraw(dpa=world.dpa, reason="Superseded", actor=world.vendor)
    privacy = reason_of(compliance_check(district=world.district_a, product=world.product), "ca-ab1584")
    assert privacy.effect == "step" and privacy.evidence[0].id == joinder.pk
    assert privacy.evidence[0].status == "under review"
    dpa_joinder_review(joinder=joinder, outcome="kept", actor=world.actor(world.buyer_a))
    privacy = reason_of(compliance_check(district=world.district_a, product=world.product), "ca-ab1584")
    assert privacy.effect == "satisfied" and privacy.evidence[0].id == joinder.pk


def test_a_withdrawn_report_counts_as_missing(world):
    assert reason_of(compliance_check(district=world.district_a, product=world.product),
                     "us-ada-title-ii-web").effect == "satisfied"
    report = accessibility_report_withdraw(report=world.report, reason="Report was for v1", actor=world.vendor)
    assert report.status_on(today()) == "withdrawn"
    access = reason_of(compliance_check(district=world.district_a, product=world.product), "us-ada-title-ii-web")
    assert access.effect != "satisfied" and access.missing and not access.evidence
    assert AuditEvent.objects.filter(action=AuditAction.ACCESSIBILITY_REPORT_WITHDRAWN, object_id=str(report.pk)).exists()
    with pytest.raises(ValidationError, match="withdrawn"):
        accessibility_report_update(report=report, product=world.product, standard="WCAG 2.1", level="AA",
                                    report_date=days(-3), actor=world.vendor)


def test_a_withdrawn_attestation_counts_as_missing(world):
    assert reason_of(compliance_check(district=world.district_a, product=world.product),
                     "us-coppa-2025").effect == "satisfied"
    attestation_withdraw(attestation=world.attestation, reason="Lapsed audit", actor=world.vendor)
    coppa = reason_of(compliance_check(district=world.district_a, product=world.product), "us-coppa-2025")
    assert coppa.effect in ("block", "step") and coppa.missing == ["COPPA attestation"]
    assert not coppa.evidence  # not even as lapsed
    assert AuditEvent.objects.filter(action=AuditAction.ATTESTATION_WITHDRAWN).exists()


# ---------------------------------------------------------------- reports and attestations


def test_vendor_corrects_a_report_and_an_attestation(world):
    report = accessibility_report_update(report=world.report, product=world.other, standard="WCAG 2.2",
                                         level="AA", report_format="VPAT 2.5 INT", report_date=days(-10),
                                         expires_on=days(300), document=pdf(), actor=world.vendor)
    report.refresh_from_db()
    assert (report.product, report.standard, report.report_format) == (world.other, "WCAG 2.2", "VPAT 2.5 INT")
    event = AuditEvent.objects.get(action=AuditAction.ACCESSIBILITY_REPORT_UPDATED)
    assert event.before["product"] == world.product.pk and event.after["product"] == world.other.pk
    with pytest.raises(ValidationError) as info:
        accessibility_report_update(report=report, product=world.foreign, standard="WCAG 9", level="AA",
                                    report_date=days(2), actor=world.vendor)
    assert set(info.value.message_dict) == {"product", "standard", "report_date"}

    attestation = attestation_update(attestation=world.attestation, kind="soc2", framework="SOC 2 Type II",
                                     product=world.product, attested_on=days(-5), actor=world.vendor)
    assert (attestation.kind, attestation.product) == ("soc2", world.product)
    event = AuditEvent.objects.get(action=AuditAction.ATTESTATION_UPDATED)
    assert event.before["kind"] == "coppa" and event.after["framework"] == "SOC 2 Type II"
    with pytest.raises(ValidationError) as info:
        attestation_update(attestation=attestation, kind="nope", product=world.foreign,
                           attested_on=days(-5), expires_on=days(-6), actor=world.vendor)
    assert set(info.value.message_dict) == {"kind", "product", "expires_on"}
    with pytest.raises(PermissionDenied):
        attestation_update(attestation=attestation, kind="coppa", attested_on=days(-5),
                           actor=world.actor(world.vendor_user_b))


# ---------------------------------------------------------------- API


def put(client, url, body, headers, method="PUT"):
    return client.generic(method, url, data=json.dumps(body), content_type="application/json", **headers)


def b64(content: bytes = b"%PDF-1.4 corrected") -> dict:
    return {"filename": "fixed.pdf", "content_base64": base64.b64encode(content).decode()}


def test_api_corrects_closes_and_withdraws_a_dpa(client, world):
    vendor, other = bearer(world.vendor_user_a), bearer(world.vendor_user_b)
    url = f"/api/v1/compliance/dpas/{world.dpa.pk}"
    body = {"template": "ndpa", "template_version": "v2", "product_ids": [world.product.pk, world.other.pk],
            "signed_on": days(-100).isoformat(), "expires_on": days(400).isoformat(), "document": b64()}
    response = put(client, url, body, vendor)
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["product_ids"] == sorted([world.product.pk, world.other.pk]) and out["expires_on"] == days(400).isoformat()
    # district B had countersigned other terms: proposed again until it countersigns (issue 15)
    assert out["status"] == "proposed by the vendor" and out["withdrawn_at"] is None
    # PATCH changes only what is sent
    response = put(client, url, {"template_version": "v2.1"}, vendor, method="PATCH")
    assert response.status_code == 200 and response.json()["template_version"] == "v2.1"
    assert response.json()["expires_on"] == days(400).isoformat()
    # errors name the API's fields
    bad = put(client, url, {**body, "product_ids": [world.foreign.pk]}, vendor)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"product_ids"}
    bad = put(client, url, {**body, "product_ids": [], "expires_on": days(-200).isoformat()}, vendor)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"product_ids", "expires_on"}
    bad = put(client, url, {"signed_on": None}, vendor, method="PATCH")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"signed_on"}
    bad = put(client, url, {"document": b64(b"not a pdf")}, vendor, method="PATCH")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"document"}
    # another vendor's record is not found, whatever the operation
    assert put(client, url, body, other).status_code == 404
    assert put(client, url, {"template_version": "x"}, other, method="PATCH").status_code == 404
    assert put(client, url + "/withdraw", {"reason": "x"}, other, method="POST").status_code == 404
    assert client.post(url + "/close-offer", **other).status_code == 404
    # close the offer, then again
    response = client.post(url + "/close-offer", **vendor)
    assert response.status_code == 200 and response.json()["general_offer_closed_on"] == today().isoformat()
    assert response.json()["general_offer_open"] is False
    again = client.post(url + "/close-offer", **vendor)
    assert again.status_code == 422 and "already closed" in again.json()["detail"]
    # withdraw: the reason is required
    bad = put(client, url + "/withdraw", {"reason": ""}, vendor, method="POST")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"reason"}
    response = put(client, url + "/withdraw", {"reason": "Wrong district"}, vendor, method="POST")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["withdrawn_reason"] == "Wrong district"
    # listed as withdrawn to districts
    listed = client.get("/api/v1/compliance/dpas", **bearer(world.buyer_b)).json()
    assert [(d["id"], d["status"], d["withdrawn_reason"]) for d in listed] == [(world.dpa.pk, "withdrawn", "Wrong district")]
    assert put(client, url, body, vendor).status_code == 422  # withdrawn: no more changes


def test_api_joinders_are_not_the_vendors_to_change(client, world):
    joinder = dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    vendor = bearer(world.vendor_user_a)
    response = put(client, f"/api/v1/compliance/dpas/{joinder.pk}/withdraw", {"reason": "x"}, vendor, method="POST")
    assert response.status_code == 403
    response = put(client, f"/api/v1/compliance/dpas/{joinder.pk}", {"template_version": "x"}, vendor, method="PATCH")
    assert response.status_code == 403


def test_api_corrects_and_withdraws_reports_and_attestations(client, world):
    vendor, other = bearer(world.vendor_user_a), bearer(world.vendor_user_b)
    url = f"/api/v1/compliance/accessibility-reports/{world.report.pk}"
    response = put(client, url, {"product_id": world.product.pk, "standard": "WCAG 2.2", "level": "AA",
                                 "report_date": days(-3).isoformat()}, vendor)
    assert response.status_code == 200 and response.json()["standard"] == "WCAG 2.2"
    response = put(client, url, {"level": "A"}, vendor, method="PATCH")
    assert response.status_code == 200 and response.json()["level"] == "A" and response.json()["standard"] == "WCAG 2.2"
    bad = put(client, url, {"product_id": world.foreign.pk}, vendor, method="PATCH")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"product_id"}
    bad = put(client, url, {"standard": "WCAG 3"}, vendor, method="PATCH")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"standard"}
    assert put(client, url, {"level": "AA"}, other, method="PATCH").status_code == 404
    response = put(client, url + "/withdraw", {"reason": "Old version"}, vendor, method="POST")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"

    url = f"/api/v1/compliance/attestations/{world.attestation.pk}"
    response = put(client, url, {"product_id": world.product.pk, "framework": "COPPA safe harbor"}, vendor,
                   method="PATCH")
    assert response.status_code == 200 and response.json()["product_id"] == world.product.pk
    response = put(client, url, {"product_id": None}, vendor, method="PATCH")  # whole company again
    assert response.status_code == 200 and response.json()["product_id"] is None
    assert response.json()["framework"] == "COPPA safe harbor" and response.json()["kind"] == "coppa"
    bad = put(client, url, {"kind": "coppa", "attested_on": days(5).isoformat()}, vendor)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"attested_on"}
    assert put(client, url + "/withdraw", {"reason": "x"}, other, method="POST").status_code == 404
    assert put(client, url + "/withdraw", {"reason": "Audit failed"}, vendor, method="POST").status_code == 200
    listed = client.get("/api/v1/compliance/attestations", **bearer(world.staff)).json()
    assert listed[0]["status"] == "withdrawn" and listed[0]["withdrawn_reason"] == "Audit failed"
    assert AuditEvent.objects.filter(action__in=[AuditAction.ACCESSIBILITY_REPORT_UPDATED, AuditAction.ATTESTATION_UPDATED]).count() == 4


# ---------------------------------------------------------------- pages


def test_vendor_pages_correct_close_and_withdraw(client, world):
    login(client, world.vendor_user_a)
    text = client.get("/vendor/evidence/").content.decode()
    assert f'href="/vendor/evidence/dpas/{world.dpa.pk}/"' in text
    assert f'action="/vendor/evidence/dpas/{world.dpa.pk}/close-offer/"' in text
    assert f'href="/vendor/evidence/reports/{world.report.pk}/"' in text
    assert f'href="/vendor/evidence/attestations/{world.attestation.pk}/"' in text
    page = client.get(f"/vendor/evidence/dpas/{world.dpa.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and f"<h1>DPA #{world.dpa.pk} with Beta Unified (CA)</h1>" in text and "Correct this record" in text
    assert f'value="{days(-100).isoformat()}"' in text and "Close the general offer today" in text
    assert 'for="id_withdraw-reason"' in text and 'for="id_dpa-signed_on"' in text
    # errors: a summary naming the fields, status 400, nothing saved
    bad = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/", {
        "dpa-template": "ndpa", "dpa-products": [world.product.pk], "dpa-signed_on": days(-100).isoformat(),
        "dpa-expires_on": days(-200).isoformat()})
    text = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in text and 'href="#id_dpa-expires_on"' in text
    bad = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/", {"dpa-template": "ndpa",
                                                                 "dpa-signed_on": days(-100).isoformat()})
    assert bad.status_code == 400 and 'href="#id_dpa-products"' in bad.content.decode()  # the fieldset
    response = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/", {
        "dpa-template": "ndpa", "dpa-template_version": "v2", "dpa-products": [world.product.pk, world.other.pk],
        "dpa-signed_on": days(-100).isoformat(), "dpa-expires_on": days(500).isoformat(),
        "dpa-document": SimpleUploadedFile("d.pdf", b"%PDF-1.4 new")})
    assert response.status_code == 302
    world.dpa.refresh_from_db()
    assert world.dpa.expires_on == days(500) and world.dpa.products.count() == 2
    # close the offer from the list
    response = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/close-offer/")
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    assert f"closed early on {today():%Y-%m-%d}" in text
    assert f'action="/vendor/evidence/dpas/{world.dpa.pk}/close-offer/"' not in text
    # withdraw: the reason is required
    bad = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/withdraw/", {"withdraw-reason": ""})
    assert bad.status_code == 400 and 'href="#id_withdraw-reason"' in bad.content.decode()
    response = client.post(f"/vendor/evidence/dpas/{world.dpa.pk}/withdraw/", {"withdraw-reason": "Wrong district"})
    assert response.status_code == 302
    text = client.get("/vendor/evidence/").content.decode()
    assert "withdrawn</span>" in text and "Wrong district" in text
    assert f'href="/vendor/evidence/dpas/{world.dpa.pk}/"' not in text
    text = client.get(f"/vendor/evidence/dpas/{world.dpa.pk}/").content.decode()
    assert "can no longer be changed" in text and "Correct this record" not in text
    # reports and attestations
    response = client.post(f"/vendor/evidence/reports/{world.report.pk}/", {
        "report-product": world.other.pk, "report-standard": "WCAG 2.2", "report-level": "AA",
        "report-report_format": "VPAT 2.5", "report-report_date": days(-5).isoformat()})
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert (world.report.product, world.report.standard) == (world.other, "WCAG 2.2")
    response = client.post(f"/vendor/evidence/attestations/{world.attestation.pk}/withdraw/",
                           {"withdraw-reason": "Audit failed"})
    assert response.status_code == 302
    # the other vendor cannot open or change any of them
    login(client, world.vendor_user_b)
    assert client.get(f"/vendor/evidence/reports/{world.report.pk}/").status_code == 404
    assert client.post(f"/vendor/evidence/reports/{world.report.pk}/withdraw/",
                       {"withdraw-reason": "x"}).status_code == 404
    world.report.refresh_from_db()
    assert world.report.withdrawn_at is None


def test_districts_see_withdrawn_records_marked_with_the_reason(client, world):
    dpa_withdraw(dpa=world.dpa, reason="Signed by mistake", actor=world.vendor)
    login(client, world.buyer_b)
    text = client.get("/compliance/offers/").content.decode()
    assert "No general offers are open in CA" in text
    row = re.search(rf"DPA #{world.dpa.pk}.*?</tr>", text, re.S).group(0)
    assert "withdrawn</span>" in row and "Signed by mistake" in row
    login(client, world.buyer_a)
    text = client.get(f"/compliance/check/?product={world.product.pk}").content.decode()
    assert "Blocked" in text and f"Adopt general offer #{world.dpa.pk}" not in text


def test_joinder_page_is_read_only_for_the_vendor(client, world):
    joinder = dpa_joinder_adopt(district=world.district_a, dpa=world.dpa, actor=world.actor(world.buyer_a))
    login(client, world.vendor_user_a)
    text = client.get("/vendor/evidence/").content.decode()
    assert f'href="/vendor/evidence/dpas/{joinder.pk}/"' not in text and "The district's record" in text
    page = client.get(f"/vendor/evidence/dpas/{joinder.pk}/")
    assert page.status_code == 200 and "adopting district's own record" in page.content.decode()
    assert client.post(f"/vendor/evidence/dpas/{joinder.pk}/withdraw/", {"withdraw-reason": "x"}).status_code == 403
    assert DataPrivacyAgreement.objects.get(pk=joinder.pk).withdrawn_at is None

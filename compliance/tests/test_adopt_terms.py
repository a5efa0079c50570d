"""Issue 15 leftover: adopting a general offer checks the offer's terms against the terms the
adopting district's state requires of a DPA. A district is told which terms are missing before
adopting (service refusal, confirmation page, offers page, API), and the verdict names them
before and after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from compliance.engine.dpa_terms import DPA_MODELS, term_label
from compliance.models import DataPrivacyAgreement
from compliance.selectors.verdicts import compliance_check
from compliance.services.evidence import dpa_joinder_adopt
from compliance.tests.conftest import actor_of, add_dpa, add_vpat, make_product
from tests.helpers import confirm_page, confirmed_post, login, token

LACKING = ("parent_review_and_correction", "joint_ferpa_compliance")


@pytest.fixture
def lacking_offer(cast, rules):
    """Vendor A's general offer for CA (made with district B) listing every CA term but two."""
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    terms = [t for t in DPA_MODELS["ndpa_v2_ca"][2] if t not in LACKING]
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True, expires=300, template="vendor",
                    terms_model="", terms_included=terms)
    return offer, product


def _privacy(district, product):
    return next(r for r in compliance_check(district=district, product=product).verdict.reasons
                if r.rule_id == "ca-ab1584")


def test_an_offer_lacking_required_terms_is_refused_naming_them(cast, lacking_offer):
    offer, product = lacking_offer
    before = _privacy(cast.district_a, product)
    # not "adopt the offer" (a step that would not help): the missing terms, blocking
    assert before.effect == "block" and "general offer for CA lacks" in before.summary
    assert all(term_label(t) in before.summary for t in LACKING)
    with pytest.raises(ValidationError) as refused:
        dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a))
    text = str(refused.value)
    assert "lacks terms CA requires" in text and all(term_label(t) in text for t in LACKING)
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()
    # knowingly: adopted, and the resulting verdict names the missing terms
    joinder = dpa_joinder_adopt(district=cast.district_a, dpa=offer, actor=actor_of(cast.buyer_a),
                                accept_missing_terms=True)
    after = _privacy(cast.district_a, product)
    assert after.effect == "block" and "The DPA lacks:" in after.summary
    assert set(after.missing) == {f"DPA term: {term_label(t)}" for t in LACKING}
    event = AuditEvent.objects.get(action="dpa.joinder_adopted", object_id=str(joinder.pk))
    assert set(event.after["missing_terms"]) == set(LACKING)


def test_a_complete_offer_adopts_in_one_click_as_before(cast, rules, client):
    product = make_product(cast.vendor_a, bands=("9-12",))
    add_vpat(product)
    offer = add_dpa(cast.vendor_a, cast.district_b, [product], offer=True, expires=300)
    login(client, cast.buyer_a)
    page = client.get("/compliance/offers/").content.decode()
    assert "All contained" in page and "Review the missing terms" not in page
    done = client.post(f"/compliance/offers/{offer.pk}/adopt/")
    assert done.status_code == 302
    assert DataPrivacyAgreement.objects.filter(kind="joinder", offer=offer, district=cast.district_a).exists()


def test_pages_tell_the_missing_terms_before_adopting(cast, lacking_offer, client):
    offer, product = lacking_offer
    url = f"/compliance/offers/{offer.pk}/adopt/"
    login(client, cast.buyer_a)
    page = client.get("/compliance/offers/").content.decode()
    assert "Lacks 2:" in page and term_label(LACKING[0]) in page and "Review the missing terms" in page
    # the old one-click POST does nothing for such an offer: it shows what is missing (409)
    blind = client.post(url)
    assert blind.status_code == 409 and term_label(LACKING[1]) in blind.content.decode()
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()
    page, confirm = confirm_page(client, url)
    assert confirm and "Adopt the general offer without these terms" in page.content.decode()
    done = confirmed_post(client, url, follow=True)
    assert "It lacks 2 term(s) CA requires" in done.content.decode()
    assert DataPrivacyAgreement.objects.filter(kind="joinder", offer=offer, district=cast.district_a).count() == 1


def test_api_refuses_unless_accepted(cast, lacking_offer, client):
    offer, _ = lacking_offer
    url = f"/api/v1/compliance/dpas/{offer.pk}/joinder"
    refused = client.post(url, **token(cast.buyer_a))
    assert refused.status_code in (400, 422) and term_label(LACKING[0]) in refused.content.decode()
    assert not DataPrivacyAgreement.objects.filter(kind="joinder").exists()
    done = client.post(url + "?accept_missing_terms=true", **token(cast.buyer_a))
    assert done.status_code == 201, done.content

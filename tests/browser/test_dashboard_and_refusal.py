"""In a real browser, with axe: the member dashboard with documents and an agreement ending soon,
and the join page of a New York district on a multi-award agreement (told to verify New York's
unverified single-award rule first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.selectors.participation import join_requirements
from contracts.services.agreements import agreement_document_add, agreement_renew
from contracts.services.participation import participation_countersign, participation_join
from compliance.services.evidence import attestation_add
from tests.cast import SYSTEM
from tests.helpers import NY_RULE, decided_competition, ny_evidence, pdf
from tests.browser.helpers import login, visit
from tests.cast import PASSWORD

pytestmark = pytest.mark.browser


def test_dashboard_and_new_york_refusal(cast, clock, awarded, agreements, general_offer, ny,
                                        live_server, page):
    agreement = agreements[cast.vendor_a.pk]
    competition = decided_competition(cast, awarded, agreements, cast.vendor_a)
    needs = join_requirements(district=cast.district_a, agreement=agreement, annual_value=Decimal(20000))
    participation = participation_join(district=cast.district_a, agreement=agreement, estimated_value=20000,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       actor=cast.actor(cast.buyer_a))
    participation_countersign(participation=participation, actor=cast.actor(cast.vendor_user_a))
    staff = cast.actor(cast.staff)
    agreement_document_add(agreement=agreement, title="Signed master agreement", actor=staff,
                           file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 signed", "application/pdf"))
    agreement = agreement_renew(agreement=agreement, actor=staff)
    clock.set(clock.now() + (agreement.end_date - timezone.localdate() - dt.timedelta(days=60)))
    ny_evidence(ny, agreements[cast.vendor_a.pk])
    # the clock moved years on: the vendor attests NIST CSF again (New York's security terms)
    attestation_add(vendor=cast.vendor_a, kind="nist_csf", framework="NIST CSF 2.0",
                    attested_on=timezone.localdate() - dt.timedelta(days=10), document=pdf(), actor=SYSTEM)

    base = live_server.url
    problems: dict[str, list[str]] = {}
    login(page, base, "buyer-a@example.org", PASSWORD)
    visit(page, base + "/my/agreements/", problems)
    text = page.inner_text("main")
    assert "Upcoming renewals and expiries" in text and "1 of 2 renewal options left" in text
    assert page.locator("a", has_text="Signed master agreement").count() == 1

    login(page, base, "buyer-ny@example.org", PASSWORD)
    visit(page, base + f"/agreements/{agreement.pk}/join/", problems)
    text = page.inner_text("main")
    # New York's single-award piggyback rule is unverified (compliance/data/SOURCES.md): not a
    # refusal but a step the buyer must confirm, explained in words
    assert "Joining is blocked" not in text
    assert "Verify first (this rule is unverified)" in text and NY_RULE in text
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())

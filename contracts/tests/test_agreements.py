from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from contracts.models import MasterAgreement
from contracts.selectors.agreements import current_schedule, max_term_years, needs_successor
from contracts.services.agreements import (agreement_activate, agreement_renew, agreement_terminate,
                                           agreements_create_from_award, amendment_decide,
                                           amendment_propose, schedule_map_product)
from contracts.states import AgreementState
from tests.helpers import make_product


def test_agreements_only_after_the_award_is_final(cast, awarded, clock):
    clock.set(clock.now() - dt.timedelta(days=1))  # back inside the standstill
    with pytest.raises(ValidationError, match="final"):
        agreements_create_from_award(solicitation=awarded, actor=cast.actor(cast.staff))


def test_one_agreement_per_awarded_vendor(cast, awarded):
    created = agreements_create_from_award(solicitation=awarded, actor=cast.actor(cast.staff))
    assert {a.vendor.legal_name for a in created} == {"Vendor A, Inc.", "Vendor B LLC"}
    assert all(a.award_kind == "multi_award" and a.state == "pending_signature" for a in created)
    assert all(a.max_term_years == 5 for a in created)  # California's rule
    assert all(a.admin_fee_rate == Decimal("0.0200") for a in created)
    with pytest.raises(ValidationError, match="already exist"):
        agreements_create_from_award(solicitation=awarded, actor=cast.actor(cast.staff))


def test_schedule_mapping_and_activation_rules(cast, awarded, clock):
    staff = cast.actor(cast.staff)
    agreement = next(a for a in agreements_create_from_award(solicitation=awarded, actor=staff)
                     if a.vendor == cast.vendor_a)
    own = make_product(cast.vendor_a, "A device")
    foreign = make_product(cast.vendor_b, "B device")
    with pytest.raises(ValidationError, match="not a product of"):
        schedule_map_product(agreement=agreement, line_reference="CB", product=foreign, actor=staff)
    with pytest.raises(PermissionDenied):
        schedule_map_product(agreement=agreement, line_reference="CB", product=own,
                             actor=cast.actor(cast.vendor_user_b))
    entry = schedule_map_product(agreement=agreement, line_reference="CB", product=own,
                                 actor=cast.actor(cast.vendor_user_a))
    assert entry.tiers[0] == {"min_quantity": 1, "unit_price": "300.00"}
    assert entry.list_price == Decimal("330.00")
    kwargs = dict(start_date=timezone.localdate(), renewal_options=2, renewal_months=12,
                  vendor_signed_by="V", consortium_signed_by="C", actor=staff)
    with pytest.raises(ValidationError, match="LIC"):
        agreement_activate(agreement=agreement, term_months=36, **kwargs)
    schedule_map_product(agreement=agreement, line_reference="LIC",
                         product=make_product(cast.vendor_a, "A licence", "35.00"), actor=staff)
    with pytest.raises(ValidationError, match="maximum is 5 years"):
        agreement_activate(agreement=agreement, term_months=48, **kwargs)
    agreement = agreement_activate(agreement=agreement, term_months=36, **kwargs)
    assert agreement.state == AgreementState.ACTIVE
    start = timezone.localdate()
    assert agreement.end_date == start.replace(year=start.year + 3) - dt.timedelta(days=1)


def test_renewal_expiry_and_termination(cast, agreements, clock):
    staff = cast.actor(cast.staff)
    agreement = agreements[cast.vendor_a.pk]
    end = agreement.end_date
    agreement = agreement_renew(agreement=agreement, actor=staff)
    assert agreement.end_date.year == end.year + 1 and agreement.renewals_used == 1
    agreement = agreement_renew(agreement=agreement, actor=staff)
    with pytest.raises(ValidationError, match="no renewal option"):
        agreement_renew(agreement=agreement, actor=staff)
    other = agreement_terminate(agreement=agreements[cast.vendor_b.pk], reason="Vendor breach", actor=staff)
    assert other.state == AgreementState.TERMINATED
    clock.set(clock.now() + dt.timedelta(days=365 * 5 + 2))
    assert agreement.effective_state() == AgreementState.EXPIRED  # derived, nothing written
    assert MasterAgreement.objects.get(pk=agreement.pk).state == AgreementState.ACTIVE
    with pytest.raises(ValidationError, match="expired"):
        agreement_renew(agreement=agreement, actor=staff)


def test_successor_flag_is_derived(cast, agreements, clock):
    agreement = agreement_renew(agreement=agreements[cast.vendor_a.pk], actor=cast.actor(cast.staff))
    assert not needs_successor(agreement)
    clock.set(clock.now() + dt.timedelta(days=365 * 3 + 3))
    assert needs_successor(agreement)


def test_amendments_version_the_schedule(cast, agreements):
    staff = cast.actor(cast.staff)
    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    new_tiers = [{"min_quantity": 1, "unit_price": "295.00"}, {"min_quantity": 1000, "unit_price": "285.00"}]
    with pytest.raises(ValidationError, match="increasing"):
        amendment_propose(agreement=agreement, kind="price_change", summary="x", actor=staff,
                          set_entries=[{"product": device.pk, "tiers": list(reversed(new_tiers))}])
    amendment = amendment_propose(agreement=agreement, kind="price_change", summary="Lower prices",
                                  set_entries=[{"product": device.pk, "tiers": new_tiers}],
                                  actor=cast.actor(cast.vendor_user_a))
    # Nothing changes until approved.
    assert current_schedule(agreement).number == 1
    with pytest.raises(PermissionDenied):
        amendment_decide(amendment=amendment, approve=True, actor=cast.actor(cast.vendor_user_a))
    amendment_decide(amendment=amendment, approve=True, actor=staff)
    schedule = current_schedule(agreement)
    assert schedule.number == 2 and schedule.amendment == amendment
    assert schedule.entries.get(product=device).tiers == new_tiers
    assert schedule.entries.count() == 2  # the licence carried over
    old = agreement.schedule_versions.get(number=1).entries.get(product=device)
    assert old.tiers[0]["unit_price"] == "300.00"  # history intact
    assert AuditEvent.objects.filter(action=AuditAction.AMENDMENT_APPROVED).exists()


@pytest.mark.parametrize("tiers, field", [
    ([{"min_quantity": 100_000_001, "unit_price": "280.00"}], "entries[1].tiers[1].min_quantity"),
    ([{"min_quantity": 1, "unit_price": "10000000.01"}], "entries[1].tiers[1].unit_price"),
    ([{"min_quantity": 1, "unit_price": "0"}], "entries[1].tiers[1].unit_price"),
    ([{"min_quantity": i, "unit_price": "280.00"} for i in range(1, 12)], "entries[1].tiers")])
def test_amendment_tiers_are_bounded_like_bids(cast, agreements, tiers, field):
    """An amendment's tiers pass the same cleaner as a bid's (core.tiers.clean_tiers)."""
    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    with pytest.raises(ValidationError) as exc:
        amendment_propose(agreement=agreement, kind="price_change", summary="Prices", actor=cast.actor(cast.staff),
                          set_entries=[{"product": device.pk, "tiers": tiers}])
    assert field in exc.value.message_dict
    assert not agreement.amendments.exists()


def test_term_comes_from_the_state_rule(awarded):
    assert max_term_years() == 5

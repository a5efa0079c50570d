"""The demo consortium builds, is idempotent, and its audit trail verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import RoleAssignment, User
from audit.services import audit_chain_verify
from edpool.demo.people import DEMO_PASSWORD
from members.models import District
from members.selectors import member_directory_totals
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_demo_builds_once_and_again(capsys):
    call_command("demo")
    totals = member_directory_totals()
    assert totals.members == 163 and totals.students_estimated
    assert 2_250_000 <= totals.students <= 2_350_000
    assert District.objects.filter(state="CA").count() == 1105
    assert Vendor.objects.count() >= 25
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {"consortium_staff", "district_buyer", "district_approver", "evaluator", "vendor_user"}
    assert User.objects.get(email="staff@demo.edpool.org").check_password(DEMO_PASSWORD)
    from sourcing.lifecycle import effective_state
    from sourcing.models import Solicitation

    states = sorted(effective_state(x) for x in Solicitation.objects.all())
    assert states == ["awarded", "awarded", "published", "under_evaluation"]
    from contracts.models import MasterAgreement, ParticipationAgreement

    assert MasterAgreement.objects.filter(state="active").count() == 3
    assert ParticipationAgreement.objects.filter(state="active", dpa_joinder__isnull=False).count() == 1
    from orders.models import Order, RebateEntry
    from orders.selectors import rebates_recompute

    assert Order.objects.count() == 9 and RebateEntry.objects.filter(kind="true_up").exists()
    assert rebates_recompute().ok
    from django.utils import timezone

    from reports.models import FeeInvoice, ReconciliationItem, SalesReport

    sales = SalesReport.objects.first()  # one quarter's report: one mismatch, resolved, fee invoiced
    if sales is None:  # the first demo order (95 - 4 days ago) is still in the running quarter
        assert timezone.localdate().strftime("%m-%d") in ("09-30", "12-31")
    else:
        assert SalesReport.objects.count() == 1
        assert ReconciliationItem.objects.filter(report=sales).exclude(kind="matched").count() == 1
        assert not ReconciliationItem.objects.filter(state="open").exists()
        assert FeeInvoice.objects.get().state == "issued"
    from catalog.models import Product
    from compliance.models import DataPrivacyAgreement, RuleVersion

    assert Product.objects.count() >= 15 and RuleVersion.objects.exists()
    assert DataPrivacyAgreement.objects.filter(state="NY").exists()
    assert DataPrivacyAgreement.objects.filter(state="CA", general_offer=True).count() >= 3
    compliance_counts = (Product.objects.count(), DataPrivacyAgreement.objects.count(),
                         RuleVersion.objects.count())
    counts = (User.objects.count(), RoleAssignment.objects.count(), District.objects.count(),
              Solicitation.objects.count())

    call_command("demo")
    assert (User.objects.count(), RoleAssignment.objects.count(), District.objects.count(),
            Solicitation.objects.count()) == counts
    assert member_directory_totals() == totals
    assert (Product.objects.count(), DataPrivacyAgreement.objects.count(),
            RuleVersion.objects.count()) == compliance_counts
    assert audit_chain_verify().ok

    capsys.readouterr()
    call_command("demo", "--if-empty")
    assert "already holds a consortium" in capsys.readouterr().out
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "staff@demo.edpool.org" in out

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


def test_demo_builds_once_and_again(capsys, client):
    call_command("demo")
    check_catalog_and_dashboard(client)
    check_every_demo_home_has_something()
    check_staff_home_shows_the_open_protest(client)
    check_a_vendor_left_out_for_its_service_area(client)
    totals = member_directory_totals()
    assert totals.members == 168 and totals.students_estimated  # 163 in California, 5 elsewhere
    check_national_demo(client)
    assert 2_250_000 <= totals.students <= 2_350_000
    assert District.objects.filter(state="CA").count() == 1105
    assert Vendor.objects.count() >= 25
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {"consortium_staff", "district_buyer", "district_approver", "evaluator", "vendor_user"}
    assert User.objects.get(email="staff@demo.edpool.org").check_password(DEMO_PASSWORD)
    from sourcing.lifecycle import effective_state
    from sourcing.models import Solicitation

    states = sorted(effective_state(x) for x in Solicitation.objects.all())
    # the draft: created from the needs survey
    assert states == ["award_notice"] + ["awarded"] * 4 + ["draft", "published", "under_evaluation"]
    check_survey_demo(client)
    from prices.tests.demo_checks import check_prices_demo; check_prices_demo(client)  # noqa: E702
    check_usage_demo(client)
    from opendata.tests.demo_checks import check_ocds_demo; check_ocds_demo()  # noqa: E702
    from contracts.models import MasterAgreement, ParticipationAgreement

    assert MasterAgreement.objects.filter(state="active").count() == 16
    assert not MasterAgreement.objects.filter(documents__isnull=True).exists()  # each has its signed PDF
    assert ParticipationAgreement.objects.filter(state="active", dpa_joinder__isnull=False).count() == 2
    assert set(MasterAgreement.objects.values_list("award_kind", flat=True)) == {"multi_award", "single_award"}
    from orders.models import Order, RebateEntry
    from orders.selectors import rebates_recompute

    # 10 display orders (edpool.demo.orders), 4 of the usage demo and 9 Chromebook orders over two
    # fiscal years (edpool.demo.savings); 5 more of the spend demo (edpool.demo.spend)
    assert Order.objects.exclude(reference__startswith="DEMO-SPEND").count() == 23
    assert RebateEntry.objects.filter(kind="true_up").exists()
    check_savings_demo(client)
    # The spend demo (edpool/demo/spend.py): Northstar dominates interactive displays
    from analytics.spend import concentration
    from orders.spend import SpendFilter
    top = {c.category: c for c in concentration(SpendFilter())}
    assert Order.objects.filter(reference__startswith="DEMO-SPEND").count() == 5
    assert top["Interactive displays"].top_vendor == "Northstar Displays, Inc." and top["Interactive displays"].top_share > 90
    waiting = Order.objects.get(state="awaiting_approval")
    assert waiting.priced_at is None and not waiting.volume_events.exists()
    assert rebates_recompute().ok
    from django.utils import timezone

    from reports.models import FeeInvoice, ReconciliationItem, SalesReport

    # one quarter's report from the displays vendor: one mismatch, resolved, fee invoiced
    northstar = SalesReport.objects.filter(agreement__vendor__organisation__name="Northstar Displays")
    sales = northstar.first()
    if sales is None:  # the first demo order (95 - 4 days ago) is still in the running quarter
        assert timezone.localdate().strftime("%m-%d") in ("09-30", "12-31")
    else:
        assert northstar.count() == 1
        assert ReconciliationItem.objects.filter(report=sales).exclude(kind="matched").count() == 1
        assert not ReconciliationItem.objects.filter(state="open").exists()
        assert FeeInvoice.objects.get().state == "issued"
    from contracts.models import MasterAgreement as Agreement
    from reports.selectors import agreement_quarters

    today = timezone.localdate()
    for agreement in Agreement.objects.filter(solicitation__title__in=["Core instructional software 2026",
                                                                       "Student devices 2025-26"]):
        ended = {(q.year, q.number) for q in agreement_quarters(agreement, today) if q.has_ended(today)}
        assert set(agreement.sales_reports.values_list("year", "quarter")) == ended  # no sales, none overdue
    from catalog.models import Product
    from compliance.models import DataPrivacyAgreement, RuleVersion

    assert Product.objects.count() >= 15 and RuleVersion.objects.exists()
    # the market of issue 14, and buyer1's saved need with its matches (a met one)
    from matching.models import Need

    assert Product.objects.count() >= 200 and Vendor.objects.count() >= 40
    buyer1_needs = Need.objects.filter(created_by__email="buyer1@demo.edpool.org")
    assert buyer1_needs.filter(status="matched", good_count__gt=0).exists()
    assert Need.objects.filter(status="unmet").count() >= 2
    needs_count = Need.objects.count()
    assert DataPrivacyAgreement.objects.filter(state="NY").exists()
    assert DataPrivacyAgreement.objects.filter(state="CA", general_offer=True).count() >= 3
    compliance_counts = (Product.objects.count(), DataPrivacyAgreement.objects.count(),
                         RuleVersion.objects.count())
    counts = (User.objects.count(), RoleAssignment.objects.count(), District.objects.count(),
              Solicitation.objects.count(), SalesReport.objects.count())

    call_command("demo")
    assert (User.objects.count(), RoleAssignment.objects.count(), District.objects.count(),
            Solicitation.objects.count(), SalesReport.objects.count()) == counts
    assert member_directory_totals() == totals
    assert (Product.objects.count(), DataPrivacyAgreement.objects.count(),
            RuleVersion.objects.count()) == compliance_counts
    assert Need.objects.count() == needs_count
    assert audit_chain_verify().ok
    from audit.actions import AuditAction
    from audit.models import AuditEvent

    recorded = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    assert len(recorded) > 50 and recorded <= set(AuditAction.values), recorded - set(AuditAction.values)

    capsys.readouterr()
    call_command("demo", "--if-empty")
    assert "already holds a consortium" in capsys.readouterr().out
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "staff@demo.edpool.org" in out
    assert "buyer-ny@demo.edpool.org" in out and "Hudson Valley Central School District (demo)" in out


def check_catalog_and_dashboard(client):
    """A buyer finds products from several vendors for typical searches, with verdicts that
    differ by product; the dashboard shows documents and an agreement ending soon with renewal
    options left."""
    from contracts.models import MasterAgreement, ParticipationAgreement
    from edpool.demo.people import DEMO_PASSWORD as password

    assert client.login(email="buyer1@demo.edpool.org", password=password)
    found = {}
    for q, expected in [("reading", {"Orchard Reader", "Bluebird Phonics", "Harbor Decodable Readers"}),
                        ("math", {"Evergreen Math Studio", "Tidewater Number Sense"}),
                        ("science", {"Summit Science Explorations", "Summit Labs"}),
                        ("assessment", {"Bluebird Benchmark", "Indigo Benchmark Suite"}),
                        ("chromebook", {"Acorn 11 Chromebook", "Juniper Flip 11 Chromebook", "Redwood R11 Chromebook"}),
                        ("display", {"Northstar 75 Display", "Cedar Board 86", "Valley Vista 86 Display"}),
                        ("tablet", {"Upland 10 Tablet"})]:
        page = client.get("/catalog/", {"q": q}).content.decode()
        missing = [name for name in expected if name not in page]
        assert not missing, f"{q!r}: {missing} not found"
        found[q] = page
    # ABC Unified's verdicts differ: its own DPA with Orchard, no DPA with Harbor.
    assert "Allowed after steps" in found["reading"] and "Blocked" in found["reading"]
    # ABC Unified joined Orchard on its own DPA: no joinder.
    orchard = ParticipationAgreement.objects.get(district__organisation__name="ABC Unified",
                                                 agreement__vendor__organisation__name="Orchard Reading Co.")
    assert orchard.state == "active" and orchard.dpa_joinder is None
    summit = MasterAgreement.objects.get(vendor__organisation__name="Summit Science Studio")
    assert summit.award_kind == "single_award"
    assert summit.participations.get(state="active").mini_competition is None
    dashboard = client.get("/my/agreements/").content.decode()
    upcoming = dashboard.split("Upcoming renewals and expiries", 1)[1].split("Participation agreements", 1)[0]
    assert "Acorn Device Works" in upcoming and "4 of 4 renewal options left" in upcoming
    assert "Signed master agreement" in dashboard


def check_every_demo_home_has_something():
    """Every login `edpool demo-logins` prints lands on a workspace with something in it, and no
    panel is empty for every demo login of its role (`--all`: the vendors' panels are filled by
    different vendors). The staff home's "Protests open" panel shows the demo's open protest."""
    from accounts.acting import Actor
    from edpool.workspaces import workspace_for

    printed_vendors = ("vendor1@demo.edpool.org", "vendor2@demo.edpool.org")
    filled: dict[str, set[str]] = {}
    panels: dict[str, set[str]] = {}
    for assignment in RoleAssignment.objects.filter(user__email__endswith="@demo.edpool.org").select_related(
            "user", "organisation"):
        workspace = workspace_for(Actor.from_assignment(assignment))
        if assignment.role != "vendor_user" or assignment.user.email in printed_vendors:
            assert workspace.waiting > 0, f"{assignment.user.email} as {assignment.role}: an empty home"
        panels.setdefault(workspace.role, set()).update(p.key for p in workspace.panels)
        filled.setdefault(workspace.role, set()).update(p.key for p in workspace.panels if p.count)
    assert {role: keys - filled[role] for role, keys in panels.items()} == {role: set() for role in panels}


def check_staff_home_shows_the_open_protest(client):
    """The protest is recorded, not decided, on a solicitation still in its standstill."""
    from sourcing.lifecycle import effective_state
    from sourcing.models import Protest

    protest = Protest.objects.select_related("award__solicitation").get()
    assert protest.state == Protest.State.OPEN
    assert effective_state(protest.award.solicitation) == "award_notice"  # the standstill runs
    client.logout()
    assert client.login(email="staff@demo.edpool.org", password=DEMO_PASSWORD)
    home = client.get("/home/").content.decode()
    panel = home.split('id="panel-protests"', 1)[1].split("</section>", 1)[0]
    assert f"{protest.award.solicitation.number}: protest by Cedar Classroom Tech" in panel
    assert "No protest is open." not in panel


def check_a_vendor_left_out_for_its_service_area(client):
    """Juniper serves four states, none of them California: ABC Unified's Chromebook
    mini-competition leaves it out and says why."""
    from contracts.models import MiniCompetition
    from contracts.selectors.left_out import left_out
    from edpool.demo.catalog_agreements import DEVICES

    competition = MiniCompetition.objects.get(solicitation__title=DEVICES,
                                              district__organisation__name="ABC Unified")
    reasons = {o.vendor: o.reason for o in left_out(competition)}
    assert reasons["Juniper Devices, Inc."] == "The vendor does not serve California."
    assert "Acorn Device Works, Inc." not in reasons  # scored (and chosen)
    client.logout()
    assert client.login(email="buyer1@demo.edpool.org", password=DEMO_PASSWORD)
    page = client.get(f"/mini-competitions/{competition.pk}/").content.decode()
    assert "The vendor does not serve California." in page


def check_usage_demo(client):
    """One clearly under-used licence on an agreement ending within 180 days, first on the list."""
    from usage.selectors import renewal_list

    first = renewal_list()[0]
    assert first.agreement.vendor.legal_name.startswith("Acorn") and first.days_left <= 180
    assert (first.lines[0].bought, first.lines[0].used, first.worst) == (1200, 480, 40)
    client.login(email="staff@demo.edpool.org", password=DEMO_PASSWORD)
    assert "40%" in client.get("/usage/renewals/").content.decode()


def check_survey_demo(client):
    """Most members answered the next cycle's survey, from several states; the pooled-demand page
    shows charts; a draft solicitation came from it."""
    from surveys.models import Response, Survey
    from surveys.selectors import solicitation_link, survey_demand

    survey = Survey.objects.get(cycle="2027-28")
    assert Response.objects.filter(survey=survey, state="submitted").count() > 168 // 2
    demand = survey_demand(survey)
    assert all(d.committed_total and d.interested_total for d in demand)
    assert {"CA", "NY", "TX", "IL", "CT", "WY"} <= {s for d in demand for s in d.states}
    assert solicitation_link(survey).solicitation.lines.count() == len(demand)
    client.logout()
    assert client.login(email="staff@demo.edpool.org", password=DEMO_PASSWORD)
    page = client.get(f"/surveys/{survey.pk}/demand/").content.decode()
    assert page.count("<svg") >= 2 * len(demand) and "<h3>New York</h3>" in page and "<h3>Texas</h3>" in page
    client.logout()


def check_national_demo(client):
    """Members in six states (the five outside California fictional, "(demo)"); the New York
    buyer sees, in the catalog and on a multi-award agreement's join page, why a multi-award
    agreement does not work for the district; verdicts differ across the six states."""
    from catalog.models import Product
    from compliance.selectors.verdicts import compliance_matrix
    from contracts.models import MasterAgreement
    from edpool.demo.national import NATIONAL_STATES, NY_BUYER
    from members.models import Membership

    active = Membership.objects.filter(state="active")
    assert set(active.values_list("district__state", flat=True)) == set(NATIONAL_STATES)
    outside = District.objects.filter(memberships__state="active").exclude(state="CA")
    assert outside.count() == 5 and all("(demo)" in d.name and "-DEMO" in d.state_leaid for d in outside)
    assert client.login(email=NY_BUYER[0], password=DEMO_PASSWORD)
    display = Product.objects.get(name="Northstar 75 Display")
    page = client.get(f"/catalog/products/{display.pk}/").content.decode()
    assert "Hudson Valley" in page and "ny-piggyback-single-award" in page
    assert "NY allows piggybacking only on single-award contracts; this contract is multi-award" in page
    assert "Verify first (this rule is unverified)" in page
    multi = MasterAgreement.objects.filter(award_kind="multi_award", state="active").first()
    page = client.get(f"/agreements/{multi.pk}/join/").content.decode()
    assert "only on single-award contracts; this contract is multi-award" in page
    single = MasterAgreement.objects.filter(award_kind="single_award", state="active").first()
    page = client.get(f"/agreements/{single.pk}/join/").content.decode()
    assert "this contract is multi-award" not in page  # the rule is met by a single award
    client.logout()
    from edpool.demo.compliance import PRODUCTS

    matrix = compliance_matrix(products=Product.objects.filter(name__in=[p[1] for p in PRODUCTS]),
                               states=list(NATIONAL_STATES))
    spread = {pf.name: [c.verdict for c in cells] for pf, cells in matrix.rows}
    assert any(len(set(v)) >= 3 for v in spread.values()), spread
    assert "not_researched" in {c.verdict for _, cells in matrix.rows for c in cells}  # Wyoming
    assert client.login(email="staff@demo.edpool.org", password=DEMO_PASSWORD)
    page = client.get("/compliance/matrix/", {"q": "Meridian", "states": ",".join(NATIONAL_STATES)}).content.decode()
    assert "Not researched" in page and "Allowed" in page
    client.logout()


def check_savings_demo(client) -> None:
    """Two fiscal years of savings, rising as tiers are reached; ABC Unified's board statement."""
    from analytics.savings import rebuild
    from analytics.savings_selectors import savings_totals
    from analytics.statement import member_statement
    from core.clock import today
    from core.fiscal import FiscalYear

    assert rebuild(check_only=True).ok
    abc = District.objects.get(organisation__name="ABC Unified")
    this_year = FiscalYear.of(today())
    last, now = (member_statement(district=abc, fiscal_year=fy) for fy in (this_year.previous(), this_year))
    assert last.totals.lines and now.totals.lines and now.totals.vs_alone > last.totals.vs_alone > 0
    assert now.totals.vs_prior is not None and now.totals.rebate > 0 and now.agreements
    assert savings_totals(fiscal_year=this_year).vs_alone > savings_totals(fiscal_year=this_year.previous()).vs_alone
    client.logout()
    assert client.login(email="buyer1@demo.edpool.org", password=DEMO_PASSWORD)
    page = client.get(f"/savings/statement/{abc.pk}/{this_year.ends_in}/")
    assert page.status_code == 200 and b"Against buying alone" in page.content

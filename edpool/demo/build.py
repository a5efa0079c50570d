"""Build the demo consortium. Safe to run again: everything is looked up before it is created."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from accounts.acting import Actor
from accounts.services import role_assign, user_create_or_update
from catalog.services import category_ensure
from core.locks import batch
from edpool.demo import people
from members.demo_enrollment import ESTIMATE_SOURCE, member_estimates
from members.importers import parse_directory
from members.models import District, Membership
from members.services import (DistrictRecord, district_upsert, districts_import, membership_apply,
                              membership_activate, membership_approve_board, membership_open,
                              membership_sign_agreement)
from members.states import MembershipState
from orgs.models import Organisation
from orgs.services import consortium_setup
from vendors.models import Vendor
from vendors.services import vendor_create

CA_FILE = Path(__file__).resolve().parents[2] / "members" / "data" / "ca-districts-2019.csv"
MEMBER_COUNT = 163
MEMBER_TYPES = ("Unified School District", "Elementary School District", "High School District",
                "County Office of Education (COE)")
ACTOR = Actor.system("edpool demo")


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def _rank(key: str) -> str:
    return hashlib.sha256(f"edpool-demo:{key}".encode()).hexdigest()


def demo_members() -> list[District]:
    """The 163 demo members: a fixed pseudo-random choice of California districts, weighted to
    unified districts as real consortia are."""
    candidates = list(District.objects.filter(state="CA", lea_type__in=MEMBER_TYPES)
                      .select_related("organisation"))
    unified = sorted((d for d in candidates if d.lea_type == "Unified School District"),
                     key=lambda d: _rank(d.state_leaid))
    others = sorted((d for d in candidates if d.lea_type != "Unified School District"),
                    key=lambda d: _rank(d.state_leaid))
    chosen = unified[:100] + others[:MEMBER_COUNT - 100]
    return sorted(chosen, key=lambda d: d.name)


def _member_dates(district: District) -> tuple[dt.datetime, dt.date, dt.date, dt.date]:
    """Application, board approval, signature and activation dates between 2019 and 2026."""
    h = int(_rank(f"dates:{district.state_leaid}")[:8], 16)
    start = dt.date(2019, 7, 1) + dt.timedelta(days=h % 2500)
    applied = timezone.make_aware(dt.datetime.combine(start, dt.time(9, 30)))
    return (applied, start + dt.timedelta(days=21), start + dt.timedelta(days=35),
            start + dt.timedelta(days=42))


def _make_member(district: District, final_state: str) -> None:
    if membership_open(district) is not None:
        return
    applied, board, signed, active = _member_dates(district)
    m = membership_apply(district=district, actor=ACTOR, applied_at=applied,
                         contact_name="District purchasing office",
                         contact_email=f"purchasing@{slugify(district.name)[:40]}.demo.edpool.org")
    if final_state == MembershipState.APPLIED:
        return
    resolution = SimpleUploadedFile("resolution.pdf", _demo_pdf(district.name), "application/pdf")
    m = membership_approve_board(membership=m, actor=ACTOR, on_date=board,
                                 resolution_number=f"R-{board.year}-{int(_rank(district.name)[:4], 16) % 90 + 10}",
                                 resolution_document=resolution)
    if final_state == MembershipState.BOARD_APPROVED:
        return
    m = membership_sign_agreement(membership=m, actor=ACTOR, on_date=signed,
                                  signed_by="Superintendent (demo)")
    if final_state == MembershipState.AGREEMENT_SIGNED:
        return
    membership_activate(membership=m, actor=ACTOR, on_date=active)


def _demo_pdf(title: str, heading: str = "Board resolution approving membership (demo)") -> bytes:
    """A minimal valid one-page PDF standing in for a board resolution (or another document)."""
    text = f"{heading}: {title}".replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _PasswordOnce:
    """The demo password, hashed once for everybody; None (keep it) for existing users."""

    def __init__(self) -> None:
        self.hashed = ""

    def __call__(self, email: str):
        from accounts.models import User

        if User.objects.filter(email__iexact=email).exists():
            return None
        if not self.hashed:
            self.hashed = make_password(people.DEMO_PASSWORD)
        return self.hashed


def build_demo(*, progress=None) -> DemoReport:
    """All or nothing, in one transaction: meant for a database nobody else is writing to."""
    with batch():
        return _build_demo(progress=progress)


def _build_demo(*, progress=None) -> DemoReport:
    report = DemoReport()
    profile = consortium_setup(name=people.CONSORTIUM_NAME, home_state="CA",
                               short_name=people.CONSORTIUM_SHORT,
                               website="https://demo.edpool.org",
                               contact_email="staff@demo.edpool.org",
                               settings={"default_admin_fee_rate": "0.02"}, actor=ACTOR)
    consortium = profile.organisation

    _, records = parse_directory(CA_FILE)
    counts = districts_import(records=records, actor=ACTOR, progress=progress)
    report.add(f"California directory: {counts.created} districts created, {counts.updated} "
               f"updated, {counts.unchanged} unchanged.")

    members = demo_members()
    estimates = member_estimates([(d.state_leaid, d.lea_type) for d in members])
    for district in members:
        district_upsert(record=DistrictRecord(
            name=district.name, state=district.state, state_leaid=district.state_leaid,
            enrollment=estimates[district.state_leaid], enrollment_year=2019,
            enrollment_source=ESTIMATE_SOURCE, enrollment_is_estimate=True),
            actor=ACTOR, existing=district)
        _make_member(district, MembershipState.ACTIVE)
    report.add(f"{len(members)} active members, {sum(estimates.values()):,} students (estimated).")

    # A few applications in progress, for the staff queue, and one non-member with a buyer.
    member_ids = {d.pk for d in members}
    outsiders = sorted((d for d in District.objects.filter(state="CA", lea_type__in=MEMBER_TYPES)
                        .select_related("organisation") if d.pk not in member_ids),
                       key=lambda d: _rank(d.state_leaid))
    in_progress = [(outsiders[0], MembershipState.APPLIED), (outsiders[1], MembershipState.APPLIED),
                   (outsiders[2], MembershipState.BOARD_APPROVED),
                   (outsiders[3], MembershipState.AGREEMENT_SIGNED)]
    for district, state in in_progress:
        _make_member(district, state)
    applicant_district = outsiders[4]

    password = _PasswordOnce()
    for email, name, admin in people.STAFF:
        user, _ = user_create_or_update(email=email, full_name=name, password_hash=password(email),
                                        can_open_admin=admin, actor=ACTOR)
        role_assign(user=user, organisation=consortium, role="consortium_staff", actor=ACTOR)
    for index, email, name, role in people.DISTRICT_PEOPLE:
        user, _ = user_create_or_update(email=email, full_name=name, password_hash=password(email),
                                        actor=ACTOR)
        role_assign(user=user, organisation=members[index].organisation, role=role, actor=ACTOR)
    user, _ = user_create_or_update(email="applicant@demo.edpool.org", full_name="Jordan Reed",
                                    password_hash=password("applicant@demo.edpool.org"), actor=ACTOR)
    role_assign(user=user, organisation=applicant_district.organisation, role="district_buyer",
                actor=ACTOR)

    from edpool.demo.national import build_national_demo

    build_national_demo(report, password)

    categories = {code: category_ensure(code=code, name=name, actor=ACTOR)
                  for code, name in people.CATEGORIES}
    existing = set(Organisation.objects.filter(kind="vendor").values_list("name", flat=True))
    for number, (name, state, cats) in enumerate(people.VENDORS, start=1):
        if name not in existing:
            vendor_create(name=name, legal_name=f"{name}, Inc.", state=state,
                          website=f"https://{slugify(name)}.demo.edpool.org",
                          contact_name="Contracts desk",
                          contact_email=f"contracts@{slugify(name)}.demo.edpool.org",
                          categories=[categories[c] for c in cats],
                          service_area=people.SERVICE_AREAS.get(name), actor=ACTOR)
        vendor = Vendor.objects.select_related("organisation").get(organisation__name=name)
        user, _ = user_create_or_update(email=f"vendor{number}@demo.edpool.org",
                                        full_name=f"Sales lead, {name}",
                                        password_hash=password(f"vendor{number}@demo.edpool.org"),
                                        actor=ACTOR)
        role_assign(user=user, organisation=vendor.organisation, role="vendor_user", actor=ACTOR)
    from edpool.demo.sourcing import build_sourcing_demo

    build_sourcing_demo(report)
    from edpool.demo.compliance import build_compliance_demo

    build_compliance_demo(report, members)
    from edpool.demo.contracts import build_contracts_demo

    build_contracts_demo(report, members)
    from edpool.demo.catalog_agreements import build_catalog_demo

    build_catalog_demo(report, members)
    from edpool.demo.product_facts import build_product_facts_demo

    build_product_facts_demo(report)
    from edpool.demo.market import build_market_demo

    build_market_demo(report)
    from edpool.demo.orders import build_orders_demo

    build_orders_demo(report, members)
    from edpool.demo.reports import build_reports_demo

    build_reports_demo(report)
    from edpool.demo.catalog_agreements import build_catalog_sales_reports

    build_catalog_sales_reports(report)
    from edpool.demo.workspaces import build_workspaces_demo

    build_workspaces_demo(report, members)
    from edpool.demo.surveys import build_surveys_demo

    build_surveys_demo(report, members)
    from edpool.demo.matching import build_matching_demo

    build_matching_demo(report)
    from edpool.demo.prices import build_prices_demo; build_prices_demo(report)  # noqa: E702
    from edpool.demo.usage import build_usage_demo; build_usage_demo(report, members)  # noqa: E702
    from edpool.demo.spend import build_spend_demo; build_spend_demo(report, members)  # noqa: E702
    report.add(f"{len(people.VENDORS)} vendors with one user each; "
               f"{Membership.objects.exclude(state__in=[MembershipState.ACTIVE, MembershipState.WITHDRAWN]).count()} "
               f"applications in progress.")
    return report


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, role, organisation) for the demo people, for printing."""
    from accounts.models import RoleAssignment

    rows = []
    for a in (RoleAssignment.objects.filter(user__email__endswith="@demo.edpool.org")
              .select_related("user", "organisation").order_by("user__email")):
        rows.append((a.user.email, a.get_role_display(), a.organisation.name))
    return rows

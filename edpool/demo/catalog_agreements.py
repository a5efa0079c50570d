"""Demo catalog: two more awarded solicitations become eleven master agreements, so a buyer finds
real results when searching the catalog (reading, math, science, assessment, Chromebooks,
tablets, displays) with volume tiers, list prices and verdicts that differ by product and district.

- *Core instructional software 2026* (awarded about nine months ago): reading (Bluebird, Orchard,
  Harbor), math (Evergreen, Tidewater) and assessment (Bluebird, Indigo) are multi-award; science
  (Summit) is single-award. Agreements run 36 months with two 12-month renewals.
- *Student devices 2025-26* (awarded about ten months ago): Chromebooks (Acorn, Juniper, Redwood),
  Chrome Education Upgrade licences (Acorn, Juniper), 86-inch displays (Valley, Cedar) are
  multi-award; tablets (Upland) single-award. One-year terms with four renewals, ending within
  the dashboard's 180-day window.
- Compliance evidence varies: Summit and Tidewater make California general offers, Harbor and
  Indigo have no California DPA (blocked), VPATs at several levels.
- ABC Unified joins Orchard's reading agreement holding its own DPA (no joinder) and Acorn's
  Chromebooks above its approval limit; another member joins Summit's single-award science
  agreement without a mini-competition, adopting Summit's general offer.
- Every agreement without documents gets its signed agreement as a PDF.
- After the sales-report demo, `build_catalog_sales_reports`: these vendors (no orders yet)
  report no sales for each finished quarter, so none is overdue.

Everything goes through the services, at fixed offsets from today. Idempotent: skipped when the
instructional solicitation exists (documents are added to any agreement still without one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.acting import Actor
from catalog.models import Category, Product
from catalog.services import ProductData, product_create
from compliance.services.dpa_sides import dpa_district_sign
from edpool.demo.product_facts import product_facts
from compliance.services.evidence import accessibility_report_add, attestation_add, dpa_create
from contracts.models import MasterAgreement
from contracts.selectors.participation import join_requirements
from contracts.services.agreements import (agreement_activate, agreement_document_add,
                                           agreements_create_from_award, schedule_map_product)
from contracts.services.participation import (minicompetition_decide, minicompetition_score,
                                              minicompetition_start, participation_approve,
                                              participation_countersign, participation_join,
                                              quote_answer, quote_request)
from edpool.demo.clock import at
from edpool.demo.contracts import board_finding
from edpool.demo.sourcing import CRITERIA, REQUIREMENTS, _actor, _vendor
from reports.services import sales_report_submit
from sourcing.models import Solicitation
from sourcing.services import awards, bids, evaluation, solicitations
from sourcing.services.solicitations import SolicitationContent
from vendors.models import Vendor

SYSTEM = Actor.system("edpool demo")
INSTRUCTION = "Core instructional software 2026"
DEVICES = "Student devices 2025-26"
K8 = ["K-2", "3-5", "6-8"]
HS = ["9-12"]
LEARN_DATA = ["student_identifiers", "assessment", "student_in_app_performance", "student_work"]

# (vendor, product, category, kind, grade bands, subjects, interoperability, data, list price, unit,
#  description)
PRODUCTS = [
    ("Harbor Library Services", "Harbor Decodable Readers", "reading", "software", ["K-2", "3-5"],
     ["ela"], ["clever", "sso_saml_oidc"], ["student_identifiers", "app_use_statistics"], "10.50", "student/year",
     "Decodable e-book library for early reading and phonics practice, with read-aloud audio, "
     "leveled text sets and simple progress reports for teachers."),
    ("Evergreen Math Lab", "Evergreen Algebra Readiness", "math", "software", ["6-8", "9-12"],
     ["math"], ["lti13", "oneroster"], LEARN_DATA, "11.00", "student/year",
     "Adaptive middle-school math course that prepares students for algebra: ratios, expressions, "
     "equations and functions, with teacher dashboards."),
    ("Tidewater Math", "Tidewater Number Sense", "math", "software", ["K-2", "3-5"],
     ["math"], ["clever", "oneroster"], LEARN_DATA, "5.50", "student/year",
     "Game-based early math: counting, place value and number sense for K-5 students, in English "
     "and Spanish."),
    ("Summit Science Studio", "Summit Science Explorations", "science", "software", ["3-5", "6-8"],
     ["science"], ["lti13", "oneroster", "clever"], LEARN_DATA, "8.50", "student/year",
     "NGSS-aligned science units for grades 3-8 with virtual labs, simulations and "
     "performance tasks."),
    ("Indigo Assessment", "Indigo Benchmark Suite", "assessment", "software", ["6-8", "9-12"],
     ["ela", "math", "science"], ["lti13", "oneroster", "classlink"], ["student_identifiers", "assessment"],
     "7.50", "student/year",
     "Computer-adaptive benchmark assessment in reading, math and science three times a year, "
     "with growth reports for teachers and principals."),
    ("Acorn Device Works", "Acorn 14 Chromebook Plus", "chromebooks", "device", ["adult"], ["general"], [], [],
     "449.00", "device", "14-inch Chromebook Plus for teachers and staff: 8 GB memory, backlit keyboard, "
     "three-year warranty."),
    ("Acorn Device Works", "Acorn Chrome Education Upgrade", "chromebooks", "software", K8 + HS, ["operations"],
     [], [], "38.00", "licence", "Chrome Education Upgrade licence for one Chromebook: device management "
     "and policies from the Google Admin console, for the life of the device."),
    ("Juniper Devices", "Juniper Flip 11 Chromebook", "chromebooks", "device", K8, ["general"], [], [],
     "319.00", "device", "11.6-inch convertible touchscreen Chromebook with stylus and a rugged, "
     "spill-resistant keyboard for K-8 classrooms."),
    ("Juniper Devices", "Juniper Chrome Education Upgrade", "chromebooks", "software", K8 + HS, ["operations"],
     [], [], "37.00", "licence", "Chrome Education Upgrade licence for one Chromebook, with Juniper's "
     "zero-touch enrolment at the warehouse."),
    ("Redwood Laptops", "Redwood R11 Chromebook", "chromebooks", "device", K8 + HS, ["general"], [], [],
     "299.00", "device", "11.6-inch student Chromebook, 8 GB memory, 10-hour battery, "
     "drop-tested to 120 cm."),
    ("Redwood Laptops", "Redwood R14 Chromebook", "chromebooks", "device", ["9-12", "adult"], ["general"], [], [],
     "429.00", "device", "14-inch Chromebook for high-school students and staff, full-HD screen."),
    ("Upland Tablets", "Upland 10 Tablet", "tablets", "device", ["PK", "K-2", "3-5"], ["general"], [], [],
     "349.00", "device", "10-inch tablet for early grades with a drop-proof handle case and "
     "shared-device mode."),
    ("Valley Interactive", "Valley Vista 86 Display", "displays", "device", K8 + HS, ["general"], [], [],
     "4150.00", "display", "86-inch 4K interactive classroom display with wall mount, installation "
     "and teacher training."),
    ("Cedar Classroom Tech", "Cedar Board 86", "displays", "device", K8 + HS, ["general"], [], [],
     "4300.00", "display", "86-inch interactive display, installed, with screen mirroring from "
     "Chromebooks and tablets."),
]

# Solicitation lines: (reference, description, unit, estimated quantity, tier minimums)
INSTRUCTION_LINES = [
    ("READ", "Reading and literacy program, K-8, per student a year", "student", 120000, (1, 5000, 25000)),
    ("MATH", "Mathematics program, K-8, per student a year", "student", 110000, (1, 5000, 25000)),
    ("SCI", "Science units and virtual labs, grades 3-12, per student a year", "student", 60000, (1, 5000, 25000)),
    ("ASMT", "Benchmark assessment, per student a year", "student", 150000, (1, 10000, 50000)),
]
DEVICE_LINES = [
    ("CB-11", "11.6-inch student Chromebook", "device", 12000, (1, 500, 2500)),
    ("CB-14", "14-inch staff Chromebook", "device", 1500, (1, 100, 500)),
    ("CEU", "Chrome Education Upgrade licence", "licence", 13500, (1, 1000, 5000)),
    ("TAB", "10-inch student tablet with case", "device", 3000, (1, 250, 1000)),
    ("D86", "86-inch interactive display, installed", "display", 300, (1, 50, 150)),
]
# vendor: ({line: first-tier price}, consensus points on the non-price criteria)
INSTRUCTION_BIDS = {
    "Bluebird Learning": ({"READ": "12.60", "ASMT": "5.90"}, 8),
    "Orchard Reading Co.": ({"READ": "11.40"}, 8),
    "Harbor Library Services": ({"READ": "9.60"}, 7),
    "Evergreen Math Lab": ({"MATH": "9.20"}, 9),
    "Tidewater Math": ({"MATH": "4.60"}, 7),
    "Summit Science Studio": ({"SCI": "7.80"}, 8),
    "Indigo Assessment": ({"ASMT": "6.90"}, 8),
}
DEVICE_BIDS = {
    "Acorn Device Works": ({"CB-11": "262.00", "CB-14": "409.00", "CEU": "31.00"}, 8),
    "Juniper Devices": ({"CB-11": "279.00", "CEU": "30.00"}, 8),
    "Redwood Laptops": ({"CB-11": "268.00", "CB-14": "399.00"}, 7),
    "Upland Tablets": ({"TAB": "309.00"}, 8),
    "Valley Interactive": ({"D86": "3690.00"}, 7),
    "Cedar Classroom Tech": ({"D86": "3790.00"}, 8),
}
# vendor: [(line, product name)]
SCHEDULES = {
    "Bluebird Learning": [("READ", "Bluebird Phonics"), ("ASMT", "Bluebird Benchmark")],
    "Orchard Reading Co.": [("READ", "Orchard Reader")],
    "Harbor Library Services": [("READ", "Harbor Decodable Readers")],
    "Evergreen Math Lab": [("MATH", "Evergreen Math Studio"), ("MATH", "Evergreen Algebra Readiness")],
    "Tidewater Math": [("MATH", "Tidewater Fluency"), ("MATH", "Tidewater Number Sense")],
    "Summit Science Studio": [("SCI", "Summit Science Explorations"), ("SCI", "Summit Labs")],
    "Indigo Assessment": [("ASMT", "Indigo Benchmark Suite")],
    "Acorn Device Works": [("CB-11", "Acorn 11 Chromebook"), ("CB-14", "Acorn 14 Chromebook Plus"),
                           ("CEU", "Acorn Chrome Education Upgrade")],
    "Juniper Devices": [("CB-11", "Juniper Flip 11 Chromebook"), ("CEU", "Juniper Chrome Education Upgrade")],
    "Redwood Laptops": [("CB-11", "Redwood R11 Chromebook"), ("CB-14", "Redwood R14 Chromebook")],
    "Upland Tablets": [("TAB", "Upland 10 Tablet")],
    "Valley Interactive": [("D86", "Valley Vista 86 Display")],
    "Cedar Classroom Tech": [("D86", "Cedar Board 86")],
}


def _pdf(title: str, heading: str = "Signed master agreement (demo)") -> SimpleUploadedFile:
    from edpool.demo.build import _demo_pdf

    return SimpleUploadedFile("demo.pdf", _demo_pdf(title, heading=heading), "application/pdf")


def _tiers(first: str, minimums, cut=Decimal("0.05")) -> list[dict]:
    price = Decimal(first)
    return [{"min_quantity": m, "unit_price": str((price * (1 - cut * i)).quantize(Decimal("0.01")))}
            for i, m in enumerate(minimums)]


def _products() -> None:
    categories = {c.code: c for c in Category.objects.all()}
    for vendor, name, cat, kind, bands, subjects, interop, data, price, unit, text in PRODUCTS:
        owner = Vendor.objects.get(organisation__name=vendor)
        if Product.objects.filter(vendor=owner, name=name).exists():
            continue
        product_create(vendor=owner, actor=SYSTEM, data=ProductData(
            name=name, category=categories[cat], kind=kind, list_price=Decimal(price), unit=unit,
            **product_facts(name, kind, unit),
            description=text, grade_bands=bands, subjects=subjects, interoperability=interop,
            data_collected=data))


def _evidence(members) -> None:
    """California general offers from Summit and Tidewater, VPATs at several levels, COPPA for
    Summit; Harbor and Indigo have no California DPA (their products are blocked there)."""
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)
    ahead = lambda days: today + dt.timedelta(days=days)
    product = lambda name: Product.objects.get(name=name)
    vendor = lambda name: Vendor.objects.get(organisation__name=name)
    for name, district, products, signed, expires in (
            ("Summit Science Studio", members[11], ["Summit Science Explorations", "Summit Labs"], 240, 900),
            ("Tidewater Math", members[12], ["Tidewater Fluency", "Tidewater Number Sense"], 330, 700)):
        dpa = dpa_create(vendor=vendor(name), district=district, template="state_variant", template_version="v2",
                         state_variant="CA-NDPA (CSDPA)", signed_on=ago(signed), expires_on=ahead(expires),
                         general_offer=True, general_offer_until=ahead(expires - 180),
                         products=[product(n) for n in products],
                         document=_pdf(f"{name} DPA with {district.name}", "Data privacy agreement (demo)"),
                         actor=SYSTEM)
        dpa_district_sign(dpa=dpa, signed_on=ago(signed), actor=SYSTEM,
                          document=_pdf(f"{district.name}'s signed copy", "Data privacy agreement (demo)"))
    for name, level in (("Summit Science Explorations", "AA"), ("Indigo Benchmark Suite", "AA"),
                        ("Harbor Decodable Readers", "A"), ("Tidewater Number Sense", "AA")):
        accessibility_report_add(product=product(name), standard="WCAG 2.1", level=level,
                                 report_date=ago(120), document=_pdf(f"VPAT {name}", "Accessibility report (demo)"),
                                 actor=SYSTEM)
    attestation_add(vendor=vendor("Summit Science Studio"), kind="coppa", attested_on=ago(90),
                    document=_pdf("COPPA Summit Science Studio", "Attestation (demo)"), actor=SYSTEM)


def _solicitation(title, description, category, lines, bid_plan, start, staff) -> Solicitation:
    """Published at `start`, bids a few days later, consensus scores recorded by staff, award
    notice at day 35 (standstill 7 days)."""
    with at(start):
        s = solicitations.solicitation_create(content=SolicitationContent(
            title=title, description=description, category=Category.objects.get(code=category),
            lines=[{"reference": ref, "description": text, "unit": unit, "estimated_quantity": qty}
                   for ref, text, unit, qty, _ in lines],
            requirements=REQUIREMENTS, criteria=CRITERIA, score_threshold=Decimal("70")),
            questions_deadline=start + dt.timedelta(days=10), bid_deadline=start + dt.timedelta(days=25),
            standstill_days=7, actor=staff)
        s = solicitations.solicitation_publish(solicitation=s, actor=staff)
    minimums = {ref: m for ref, _, _, _, m in lines}
    with at(start + dt.timedelta(days=12)):
        for vendor, (prices, _) in bid_plan.items():
            bids.bid_submit(solicitation=s, actor=_vendor(vendor), data={
                "lines": [{"line": ref, "tiers": _tiers(p, minimums[ref]), "max_quantity": None}
                          for ref, p in prices.items()],
                "attestations": {"dpa": True, "wcag": True}, "notes": "Demo bid."})
    with at(start + dt.timedelta(days=26)):
        s = solicitations.solicitation_start_evaluation(solicitation=s, actor=staff)
        criteria = list(s.criteria.filter(is_price=False))
        for bid in s.bids.select_related("vendor__organisation"):
            points = bid_plan[bid.vendor.organisation.name][1]
            for criterion in criteria:
                evaluation.consensus_record(solicitation=s, bid=bid, criterion=criterion, points=points,
                                            comment="Committee consensus", actor=staff)
    with at(start + dt.timedelta(days=35)):
        awards.award_issue_notice(solicitation=s, actor=staff, rationale=(
            "Every responsive bidder above the threshold is awarded the lines it priced; members "
            "choose by mini-competition where a line has several vendors."))
    return s


def _agreements(solicitation, staff, signed_at, start_date, term_months, renewals) -> dict[str, MasterAgreement]:
    result = {}
    with at(signed_at):
        for agreement in agreements_create_from_award(solicitation=solicitation, actor=staff):
            name = agreement.vendor.organisation.name
            for line, product in SCHEDULES[name]:
                schedule_map_product(agreement=agreement, line_reference=line, actor=staff,
                                     product=Product.objects.get(vendor=agreement.vendor, name=product))
            result[name] = agreement_activate(
                agreement=agreement, start_date=start_date, term_months=term_months,
                renewal_options=renewals, renewal_months=12,
                vendor_signed_by=f"Contracts director, {name}", consortium_signed_by="Board chair (demo)",
                actor=staff)
    return result


def _join(district, agreement, buyer: Actor, value: str, *, competition_lines=None, approver=None,
          reasons="", favour=None, prior_prices=None):
    """Join through the services: the mini-competition first where the agreement is multi-award
    (the buyer's own scores may favour a vendor other than the cheapest), then the participation
    agreement with the steps compliance asks for confirmed; approval above the limit; countersign."""
    competition = None
    vendor = _vendor(agreement.vendor.organisation.name)
    if competition_lines:
        competition = minicompetition_start(district=district, solicitation=agreement.solicitation,
                                            quantities=competition_lines, actor=buyer)
        for score in competition.scores.select_related("agreement"):
            minicompetition_score(competition=competition, agreement=score.agreement,
                                  other_score=(favour or {}).get(score.agreement.vendor_id, 25),
                                  notes="Demo panel's score for functionality and support.", actor=buyer)
        quote = quote_request(competition=competition, agreement=agreement,
                              message="Please confirm pricing and an implementation plan.", actor=buyer)
        quote_answer(quote=quote, quote_total=competition.scores.get(agreement=agreement).price_total,
                     implementation_plan="Rostering and training in the first month, then roll-out by school.",
                     actor=vendor)
        minicompetition_decide(competition=competition, agreement=agreement, reasons=reasons, actor=buyer)
    needs = join_requirements(district=district, agreement=agreement, annual_value=Decimal(value))
    participation = participation_join(district=district, agreement=agreement, estimated_value=value,
                                       mini_competition=competition, confirmed_steps=needs.confirmations,
                                       **board_finding(district), prior_prices=prior_prices,
                                       actor=buyer)
    if participation.needs_approval:
        participation_approve(participation=participation, actor=approver)
    return participation_countersign(participation=participation, actor=vendor)


def _documents(staff) -> int:
    added = 0
    for agreement in MasterAgreement.objects.filter(documents__isnull=True).select_related("vendor").distinct():
        agreement_document_add(agreement=agreement, title="Signed master agreement",
                               file=_pdf(f"{agreement.number} {agreement.title} with {agreement.vendor.legal_name}"),
                               actor=staff)
        added += 1
    return added


def build_catalog_demo(report, members) -> None:
    staff = _actor("staff@demo.edpool.org", "consortium_staff")
    if Solicitation.objects.filter(title=INSTRUCTION).exists():
        added = _documents(staff)
        report.add("Demo catalog agreements already present" + (f"; documents added to {added}." if added else "."))
        return
    _products()
    _evidence(members)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()

    devices = _solicitation(
        DEVICES, "Student and staff Chromebooks with management licences, tablets for early grades and "
        "86-inch interactive displays, for the 2025-26 school year.", "chromebooks", DEVICE_LINES,
        DEVICE_BIDS, now - dt.timedelta(days=330), staff)
    instruction = _solicitation(
        INSTRUCTION, "Core and supplemental instructional software for reading, mathematics and science, "
        "and benchmark assessment, licensed per student.", "reading", INSTRUCTION_LINES,
        INSTRUCTION_BIDS, now - dt.timedelta(days=300), staff)
    device_agreements = _agreements(devices, staff, now - dt.timedelta(days=260), today - dt.timedelta(days=250),
                                    term_months=12, renewals=4)
    software = _agreements(instruction, staff, now - dt.timedelta(days=230), today - dt.timedelta(days=220),
                           term_months=36, renewals=2)

    # ABC Unified (buyer1) chose Acorn's Chromebooks soon after the start, above its approval
    # limit; and Orchard's reading program (it already holds Orchard's DPA: no joinder) although
    # Harbor was cheaper on price alone.
    abc, buyer1 = members[0], _actor("buyer1@demo.edpool.org", "district_buyer")
    approver1 = _actor("approver1@demo.edpool.org", "district_approver")
    with at(now - dt.timedelta(days=235)):
        _join(abc, device_agreements["Acorn Device Works"], buyer1, "263700",
              competition_lines={"CB-11": 900, "CEU": 900}, approver=approver1,
              reasons="Lowest price for our Chromebooks with licences; delivery before the school year.")
    orchard = software["Orchard Reading Co."]
    with at(now - dt.timedelta(days=60)):
        _join(abc, orchard, buyer1, "36480", competition_lines={"READ": 3200},
              favour={orchard.vendor_id: 38},
              reasons="Orchard Reader is already used in our schools and covered by our data privacy "
                      "agreement; teachers rated it highest. Harbor's decodable library is cheaper but "
                      "covers K-5 only.")
    # Buyer4's district joins the single-award science agreement: no mini-competition; it adopts
    # Summit's California general offer in the same step.
    buyer4 = _actor("buyer4@demo.edpool.org", "district_buyer")
    with at(now - dt.timedelta(days=45)):
        _join(members[3], software["Summit Science Studio"], buyer4, "18000")
    added = _documents(staff)
    total = len(device_agreements) + len(software)
    entries = sum(len(v) for k, v in SCHEDULES.items())
    report.add(f"Catalog agreements: {total} more active ({len(software)} instructional software, "
               f"{len(device_agreements)} devices and displays; {entries} products on schedules); "
               f"ABC Unified joined two (one on its own DPA), another member joined the single-award "
               f"science agreement with a DPA joinder; {added} agreements got their signed PDF.")


def build_catalog_sales_reports(report) -> None:
    """The catalog agreements' vendors reported every finished quarter twelve days after it ended:
    their sales are the quarter's counted orders (most have none: no sales; Acorn's Chromebook
    orders, edpool.demo.savings, are listed as ordered) (so the overdue list and `edpool tick` show only
    the older demo agreements). Runs after the sales-report demo, which stops if any report exists.
    Reports only quarters not reported yet."""
    from reports.models import SalesReport
    from reports.selectors import agreement_quarters

    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    filed = 0
    for agreement in (MasterAgreement.objects.filter(solicitation__title__in=[INSTRUCTION, DEVICES])
                      .select_related("vendor__organisation").order_by("number")):
        done = set(SalesReport.objects.filter(agreement=agreement).values_list("year", "quarter"))
        vendor = None
        for quarter in agreement_quarters(agreement, today):
            if not quarter.has_ended(today) or (quarter.year, quarter.number) in done:
                continue
            vendor = vendor or _vendor(agreement.vendor.organisation.name)
            moment = timezone.make_aware(dt.datetime.combine(quarter.end + dt.timedelta(days=12), dt.time(10)))
            from orders.selectors import order_lines_in_period

            rows = [{"district": line.order.district.state_leaid or str(line.order.district_id),
                     "product": line.product.name, "quantity": line.quantity, "unit_price": str(line.unit_price),
                     "amount": str(line.amount), "order_number": line.order.number}
                    for line in order_lines_in_period(agreement=agreement, start=quarter.start, end=quarter.end)]
            with at(min(moment, now)):
                sales_report_submit(agreement=agreement, quarter=quarter, lines=rows, source="form", actor=vendor)
            filed += 1
    if filed:
        report.add(f"Catalog agreements' vendors reported {filed} finished quarters (no sales but Acorn's orders).")


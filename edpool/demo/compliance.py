"""Demo compliance: the rules, products for the demo vendors, data privacy agreements in
California (general offers open, closed and expired), a vendor with a New York agreement, VPATs
and attestations, and two member districts whose verdicts differ. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.acting import Actor
from catalog.models import Category, Product
from catalog.services import ProductData, product_create
from edpool.demo.product_facts import product_facts
from compliance.selectors.verdicts import compliance_matrix
from compliance.services.dpa_sides import dpa_district_sign
from compliance.services.evidence import accessibility_report_add, attestation_add, dpa_create
from compliance.services.rules import rules_load
from members.models import District
from members.services import DistrictRecord, district_upsert
from vendors.models import Vendor

ACTOR = Actor.system("edpool demo")
K8 = ["K-2", "3-5", "6-8"]
HS = ["9-12"]
ID_DATA = ["student_identifiers", "app_use_statistics"]
LEARN_DATA = ["student_identifiers", "assessment", "student_in_app_performance", "student_work"]

# (vendor, product, category, kind, grade bands, subjects, interoperability, data, price, unit)
PRODUCTS = [
    ("Bluebird Learning", "Bluebird Phonics", "reading", "software", ["PK", "K-2"], ["ela"], ["oneroster", "clever"], LEARN_DATA, "14.00", "student/year"),
    ("Bluebird Learning", "Bluebird Benchmark", "assessment", "software", K8, ["ela", "math"], ["oneroster", "classlink"], LEARN_DATA, "6.50", "student/year"),
    ("Orchard Reading Co.", "Orchard Reader", "reading", "software", K8, ["ela"], ["clever", "sso_saml_oidc"], LEARN_DATA, "12.75", "student/year"),
    ("Evergreen Math Lab", "Evergreen Math Studio", "math", "software", ["3-5", "6-8"], ["math"], ["lti13", "oneroster"], LEARN_DATA, "9.90", "student/year"),
    ("Sierra Learning Platform", "Sierra LMS", "lms", "software", K8 + HS, ["general"], ["lti13", "oneroster", "sso_saml_oidc"], LEARN_DATA + ["communications"], "4200.00", "site/year"),
    ("Granite LMS", "Granite Classroom", "lms", "software", HS, ["general"], ["lti13", "oneroster", "classlink"], LEARN_DATA, "7.25", "student/year"),
    ("Meridian Student Systems", "Meridian SIS", "sis", "software", K8 + HS, ["operations"], ["oneroster", "sso_saml_oidc"], ID_DATA + ["demographics", "enrollment", "attendance", "transcript", "parent_contact"], "9800.00", "site/year"),
    ("Delta Rostering", "Delta Sync", "rostering-sso", "software", K8 + HS, ["operations"], ["oneroster", "clever", "classlink", "sso_saml_oidc"], ID_DATA + ["enrollment", "schedule"], "1500.00", "site/year"),
    ("Indigo Assessment", "Indigo Checkpoint", "assessment", "software", HS, ["math", "science"], ["lti13"], ["student_identifiers", "assessment"], "89.00", "teacher/year"),
    ("Tidewater Math", "Tidewater Fluency", "math", "software", ["K-2", "3-5"], ["math"], ["clever"], LEARN_DATA, "5.00", "student/year"),
    ("Harbor Library Services", "Harbor eBooks", "library", "software", K8 + HS, ["ela"], ["sso_saml_oidc"], ["student_identifiers"], "1200.00", "site/year"),
    ("Lighthouse Special Ed", "Lighthouse IEP", "special-ed", "software", K8 + HS, ["sped"], ["oneroster"], ID_DATA + ["special_indicator", "assessment"], "120.00", "teacher/year"),
    ("Kestrel Safety", "Kestrel Filter", "safety", "software", K8 + HS, ["operations"], ["sso_saml_oidc"], ["app_technology_metadata", "student_identifiers"], "3.20", "student/year"),
    ("Pinecone PD", "Pinecone Workshops", "pd", "service", ["adult"], ["general"], [], [], "1800.00", "workshop"),
    ("Acorn Device Works", "Acorn 11 Chromebook", "chromebooks", "device", K8 + HS, ["general"], [], [], "289.00", "device"),
    ("Northstar Displays", "Northstar 75 Display", "displays", "device", K8 + HS, ["general"], [], [], "2390.00", "display"),
    ("Yarrow Accessibility Tools", "Yarrow Read Aloud", "special-ed", "software", K8 + HS, ["sped", "ela"], ["lti13", "clever"], ["student_identifiers"], "3.00", "student/year"),
    ("Summit Science Studio", "Summit Labs", "lms", "software", ["6-8"] + HS, ["science"], ["lti13"], LEARN_DATA, "8.00", "student/year"),
]


def _pdf(title: str) -> SimpleUploadedFile:
    from edpool.demo.build import _demo_pdf

    return SimpleUploadedFile("demo.pdf", _demo_pdf(title), "application/pdf")


def _vendor(name: str) -> Vendor:
    return Vendor.objects.select_related("organisation").get(organisation__name=name)


def _product(name: str) -> Product:
    return Product.objects.get(name=name)


def _summary(district: District, products) -> str:
    matrix = compliance_matrix(products=products, district=district)
    counts = Counter(cells[0].verdict for _, cells in matrix.rows)
    return (f"{district.name}: {counts['allowed']} allowed, {counts['allowed_after_steps']} after "
            f"steps, {counts['blocked']} blocked")


def build_compliance_demo(report, members: list[District]) -> None:
    loaded = rules_load(actor=ACTOR)
    report.add(f"Compliance rules: {loaded.jurisdictions} jurisdictions, {loaded.rules} rules "
               f"({loaded.created} new versions).")
    if Product.objects.filter(name="Bluebird Phonics").exists():
        report.add("Demo products and compliance evidence already present.")
        return
    categories = {c.code: c for c in Category.objects.all()}
    for vendor, name, cat, kind, bands, subjects, interop, data, price, unit in PRODUCTS:
        product_create(vendor=_vendor(vendor), actor=ACTOR, data=ProductData(
            name=name, category=categories[cat], kind=kind, list_price=Decimal(price), unit=unit,
            **product_facts(name, kind, unit),
            description=f"{name} (demo product).", grade_bands=bands, subjects=subjects,
            interoperability=interop, data_collected=data))
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)
    ahead = lambda days: today + dt.timedelta(days=days)

    def dpa(vendor, district, names, signed, expires=None, offer=False, until=None,
            template="state_variant", variant="CA-NDPA (CSDPA)"):
        dpa = dpa_create(vendor=_vendor(vendor), district=district, template=template,
                         template_version="v2", state_variant=variant if district.state == "CA" else "",
                         signed_on=signed, expires_on=expires, general_offer=offer,
                         general_offer_until=until, products=[_product(n) for n in names],
                         document=_pdf(f"{vendor} DPA with {district.name}"), actor=ACTOR)
        # the district's signed copy, recorded as staff would
        return dpa_district_sign(dpa=dpa, signed_on=signed, actor=ACTOR,
                                 document=_pdf(f"{district.name}'s signed copy of the {vendor} DPA"))

    first, second = members[0], members[1]
    # California: an open general offer (Bluebird), a district's own DPA (Orchard with the first
    # member), an offer whose adoption period closed (Sierra), an expired agreement (Evergreen),
    # an open offer the second member signed itself (Granite), an open offer for rostering.
    dpa("Bluebird Learning", members[5], ["Bluebird Phonics", "Bluebird Benchmark"], ago(200),
        ahead(900), offer=True, until=ahead(700))
    dpa("Orchard Reading Co.", first, ["Orchard Reader"], ago(120), ahead(1000))
    dpa("Sierra Learning Platform", members[6], ["Sierra LMS"], ago(800), ahead(300), offer=True,
        until=ago(60))
    dpa("Evergreen Math Lab", members[7], ["Evergreen Math Studio"], ago(1200), ago(30), offer=True)
    dpa("Granite LMS", second, ["Granite Classroom"], ago(90), ahead(1000), offer=True)
    dpa("Delta Rostering", members[9], ["Delta Sync"], ago(300), ahead(700), offer=True)
    dpa("Lighthouse Special Ed", members[10], ["Lighthouse IEP"], ago(400), ahead(500), offer=True)
    # New York: a (fictional) district and Meridian's Education Law 2-d agreement with it.
    ny, _ = district_upsert(record=DistrictRecord(
        name="Hudson Valley Central School District (demo)", state="NY", state_leaid="NY-DEMO0001",
        lea_type="Central School District", city="Hudson (demo)", enrollment=4200,
        enrollment_year=2024, enrollment_source="EdPool demo figure (fictional district)",
        enrollment_is_estimate=True), actor=ACTOR)
    dpa("Meridian Student Systems", ny, ["Meridian SIS"], ago(150), ahead(1000), template="ndpa")
    # Accessibility reports: most software has a current WCAG 2.1 AA report; one expired, one 2.0.
    for name in ["Bluebird Phonics", "Bluebird Benchmark", "Orchard Reader", "Sierra LMS",
                 "Granite Classroom", "Meridian SIS", "Delta Sync", "Yarrow Read Aloud",
                 "Lighthouse IEP", "Summit Labs"]:
        accessibility_report_add(product=_product(name), standard="WCAG 2.1", level="AA",
                                 report_date=ago(100), document=_pdf(f"VPAT {name}"), actor=ACTOR)
    accessibility_report_add(product=_product("Evergreen Math Studio"), standard="WCAG 2.1",
                             level="AA", report_date=ago(900), expires_on=ago(170),
                             document=_pdf("VPAT Evergreen (old)"), actor=ACTOR)
    accessibility_report_add(product=_product("Tidewater Fluency"), standard="WCAG 2.0", level="AA",
                             report_date=ago(200), document=_pdf("VPAT Tidewater"), actor=ACTOR)
    for vendor, kind, framework in [("Bluebird Learning", "coppa", ""), ("Orchard Reading Co.", "coppa", ""),
                                    ("Sierra Learning Platform", "coppa", ""), ("Tidewater Math", "coppa", ""),
                                    ("Meridian Student Systems", "nist_csf", "NIST CSF 2.0"),
                                    ("Meridian Student Systems", "soc2", "SOC 2 Type II"),
                                    ("Delta Rostering", "soc2", "SOC 2 Type II")]:
        attestation_add(vendor=_vendor(vendor), kind=kind, framework=framework, attested_on=ago(60),
                        document=_pdf(f"{kind} {vendor}"), actor=ACTOR)
    products = Product.objects.all()
    report.add(f"Compliance: {products.count()} products, DPAs in CA (general offers open, closed "
               f"and expired) and NY, VPATs and attestations. Verdicts differ by district: "
               f"{_summary(first, products)}; {_summary(second, products)}.")

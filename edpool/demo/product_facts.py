"""Demo: the facts of the demo products that match needs (issue 14): languages, accessibility
conformance (as their VPATs in the demo state), ESSA tier of evidence with a link to the study,
and the typical price unit. Staff check some products' facts; one vendor changes its facts after
the check, so the page shows "not checked since version 1".

The study links point at example.org (reserved for examples): the products and studies are
invented."""

from __future__ import annotations

from accounts.acting import STAFF, VENDOR, Actor
from accounts.models import RoleAssignment
from catalog.choices import DEFAULT_PRICE_UNIT
from catalog.models import Product
from catalog.services import product_data_from, product_facts_check, product_update

AA, PARTIAL, NOT_EVALUATED = "wcag21aa", "wcag21aa_partial", "not_evaluated"
EN_ES = ["en", "es"]
WIDE = ["en", "es", "ar", "zh", "vi", "pt", "ru", "so", "ht", "ko", "tl", "fr"]

# The price unit read from the unit a demo product's list price is for.
_UNITS = {"student/year": "per_student", "teacher/year": "per_teacher", "site/year": "per_site",
          "device": "per_device", "display": "per_device", "licence": "per_device",
          "workshop": "per_session"}


def _study(slug: str) -> str:
    return f"https://studies.example.org/{slug}"


# name -> (languages, accessibility, ESSA tier, study link)
FACTS: dict[str, tuple[list[str], str, int | None, str]] = {
    "Bluebird Phonics": (EN_ES, AA, 2, _study("bluebird-phonics-quasi-experimental-2024")),
    "Bluebird Benchmark": (EN_ES, AA, None, ""),
    "Orchard Reader": (["en", "es", "vi", "zh"], AA, 1, _study("orchard-reader-rct-2023")),
    "Evergreen Math Studio": (EN_ES, PARTIAL, 2, _study("evergreen-math-studio-2022")),
    "Sierra LMS": (WIDE, AA, None, ""),
    "Granite Classroom": (["en", "es", "fr", "zh", "ar", "vi"], AA, None, ""),
    "Meridian SIS": (EN_ES, AA, None, ""),
    "Delta Sync": (["en"], AA, None, ""),
    "Indigo Checkpoint": (["en"], NOT_EVALUATED, 4, _study("indigo-checkpoint-logic-model")),
    "Tidewater Fluency": (EN_ES, PARTIAL, 3, _study("tidewater-fluency-correlational-2021")),
    "Harbor eBooks": (["en", "es", "fr", "zh"], NOT_EVALUATED, None, ""),
    "Lighthouse IEP": (EN_ES, AA, None, ""),
    "Kestrel Filter": (["en"], NOT_EVALUATED, None, ""),
    "Pinecone Workshops": (EN_ES, NOT_EVALUATED, None, ""),
    "Yarrow Read Aloud": (WIDE, AA, 3, _study("yarrow-read-aloud-2022")),
    "Summit Labs": (EN_ES, AA, 4, _study("summit-labs-logic-model")),
    "Harbor Decodable Readers": (EN_ES, PARTIAL, 3, _study("harbor-decodables-2023")),
    "Evergreen Algebra Readiness": (EN_ES, PARTIAL, 2, _study("evergreen-algebra-readiness-2024")),
    "Tidewater Number Sense": (EN_ES, AA, 2, _study("tidewater-number-sense-2023")),
    "Summit Science Explorations": (EN_ES, AA, 3, _study("summit-science-explorations-2022")),
    "Indigo Benchmark Suite": (EN_ES, AA, None, ""),
}

# Facts consortium staff have checked in the demo; the last one's vendor then adds a language.
CHECKED = ["Orchard Reader", "Bluebird Phonics", "Tidewater Number Sense", "Summit Science Explorations",
           "Acorn 11 Chromebook", "Granite Classroom"]
CHANGED_AFTER_CHECK = ("Granite Classroom", "pt")


def product_facts(name: str, kind: str, unit: str) -> dict:
    """The facts of a demo product as ProductData keyword arguments (devices: no languages, not
    evaluated for accessibility)."""
    languages, accessibility, tier, study = FACTS.get(name, ([], NOT_EVALUATED, None, ""))
    return {"price_unit": _UNITS.get(unit, DEFAULT_PRICE_UNIT[kind]), "languages": list(languages),
            "accessibility": accessibility, "essa_tier": tier, "essa_study_url": study}


def _actor(role: str, organisation=None, email: str = "") -> Actor:
    assignments = RoleAssignment.objects.select_related("user", "organisation").filter(role=role)
    if organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    if email:
        assignments = assignments.filter(user__email=email)
    return Actor.from_assignment(assignments.order_by("user__email").first())


def build_product_facts_demo(report) -> None:
    """Staff (staff@) check some products' facts; one vendor changes its facts afterwards.
    Idempotent."""
    staff = _actor(STAFF, email="staff@demo.edpool.org")
    name, language = CHANGED_AFTER_CHECK
    if Product.objects.filter(name=name, facts_checked_version__isnull=False).exists():
        report.add("Product facts already checked by staff.")
        return
    checked = 0
    for product in Product.objects.filter(name__in=CHECKED).order_by("pk"):
        if not product.facts_checked:
            product_facts_check(product=product, actor=staff)
            checked += 1
    product = Product.objects.select_related("vendor__organisation").get(name=name)
    product_update(product=product, actor=_actor(VENDOR, product.vendor.organisation), data=product_data_from(
        product, languages=[*product.languages, language]))
    report.add(f"Product facts: {checked} checked by staff; {name}'s changed since.")

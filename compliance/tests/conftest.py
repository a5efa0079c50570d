from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.acting import Actor
from catalog.services import ProductData, category_ensure, product_create
from compliance.services.dpa_sides import dpa_district_sign
from compliance.services.evidence import accessibility_report_add, attestation_add, dpa_create
from compliance.services.rules import rules_load
from members.models import Membership
from members.services import DistrictRecord, district_upsert
from members.states import MembershipState
from tests.cast import SYSTEM
from tests.helpers import pdf


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def rules(db):
    return rules_load(actor=SYSTEM)


def make_district(name: str, state: str, leaid: str, *, member: bool = True, population=None,
                  enrollment: int | None = 5000):
    district, _ = district_upsert(record=DistrictRecord(
        name=name, state=state, state_leaid=f"{state}-{leaid}", lea_type="Unified School District",
        enrollment=enrollment, population=population), actor=SYSTEM)
    if member:
        Membership.objects.create(district=district, state=MembershipState.ACTIVE,
                                  applied_at=timezone.now() - dt.timedelta(days=400),
                                  member_since=days(-300))
    return district


def make_product(vendor, name="Reading Pro", *, data=("student_identifiers", "assessment"),
                 bands=("K-2", "3-5"), kind="software", price="18.50"):
    category = category_ensure(code="reading", name="Reading", actor=SYSTEM)
    return product_create(vendor=vendor, data=ProductData(
        name=name, category=category, kind=kind, list_price=Decimal(price), unit="student/year",
        grade_bands=list(bands), data_collected=list(data)), actor=SYSTEM)


def add_dpa(vendor, district, products, *, signed=-100, expires=None, offer=False, until=None,
            template="ndpa", countersigned=True, terms_model=None, terms_included=()):
    """A DPA the vendor recorded; unless `countersigned=False`, with the district's signed copy
    recorded the same day (a vendor alone only proposes one)."""
    dpa = dpa_create(vendor=vendor, district=district, template=template, template_version="v2",
                     signed_on=days(signed), expires_on=days(expires) if expires is not None else None,
                     products=products, document=pdf(), general_offer=offer,
                     general_offer_until=days(until) if until is not None else None,
                     terms_model=terms_model, terms_included=terms_included, actor=SYSTEM)
    if countersigned:
        dpa = dpa_district_sign(dpa=dpa, signed_on=days(signed), document=pdf(), actor=SYSTEM)
    return dpa


def add_vpat(product, *, standard="WCAG 2.1", level="AA", dated=-30, expires=None):
    return accessibility_report_add(product=product, standard=standard, level=level,
                                    report_date=days(dated),
                                    expires_on=days(expires) if expires is not None else None,
                                    document=pdf(), actor=SYSTEM)


def add_attestation(vendor, kind, *, dated=-30, expires=None, product=None):
    return attestation_add(vendor=vendor, kind=kind, attested_on=days(dated), product=product,
                           expires_on=days(expires) if expires is not None else None,
                           document=pdf(), actor=SYSTEM)


def actor_of(user) -> Actor:
    return Actor.from_assignment(user.role_assignments.select_related("user", "organisation").first())

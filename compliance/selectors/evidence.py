"""Reading vendors' evidence. Evidence is not secret: staff and districts read all of it; a
vendor reads its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.acting import READERS, STAFF, VENDOR, Actor, acts_as
from core import clock
from compliance.engine.dpa_terms import missing_terms, required_terms, terms_covered
from compliance.models import AccessibilityReport, Attestation, DataPrivacyAgreement
from compliance.selectors.facts import rules_in_force
from vendors.selectors import vendor_of_organisation


def dpa_list(*, vendor=None, state: str = "", district=None,
             include_withdrawn: bool = False) -> QuerySet[DataPrivacyAgreement]:
    """Agreements and joinders, newest first; withdrawn ones only when asked for (pages that
    show them mark them withdrawn, with the reason)."""
    qs = (DataPrivacyAgreement.objects.select_related("vendor__organisation", "district__organisation", "offer")
          .prefetch_related("products").order_by("-signed_on", "-pk"))
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if state:
        qs = qs.filter(state=state.upper())
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def product_dpas_for(*, product, actor, district=None) -> Optional[list[DataPrivacyAgreement]]:
    """The data privacy agreements covering `product` that `actor` may read: consortium staff all
    of them, the product's vendor its own, a district those of its own state (the DPA status for
    the district's state). None for anyone else: evidence is for staff and districts."""
    if actor is None:
        return None
    qs = dpa_list(vendor=product.vendor).filter(products=product)
    if actor.role == STAFF:
        return list(qs[:100])
    if acts_as(actor, VENDOR, product.vendor.organisation):
        return list(qs[:100])
    if district is not None:
        return list(qs.filter(state=district.state)[:100])
    return None


def general_offers_open(*, state: str, on_date: Optional[dt.date] = None) -> QuerySet[DataPrivacyAgreement]:
    """General offers a district of `state` may adopt on `on_date` (default today)."""
    day = on_date or timezone.localdate()
    return (dpa_list(state=state).filter(kind="signed", general_offer=True, signed_on__lte=day,
                                         district_signed_on__lte=day)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
            .filter(Q(general_offer_until__isnull=True) | Q(general_offer_until__gte=day))
            .filter(Q(general_offer_closed_on__isnull=True) | Q(general_offer_closed_on__gt=day)))


def joinders_of_district(district) -> dict[int, DataPrivacyAgreement]:
    """offer id -> the district's joinder to it."""
    return {j.offer_id: j for j in DataPrivacyAgreement.objects.filter(kind="joinder", district=district)}


def report_list(*, vendor=None, product=None, include_withdrawn: bool = False) -> QuerySet[AccessibilityReport]:
    qs = AccessibilityReport.objects.select_related("product__vendor__organisation").order_by("-report_date", "-pk")
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    if vendor is not None:
        qs = qs.filter(product__vendor=vendor)
    if product is not None:
        qs = qs.filter(product=product)
    return qs


def attestation_list(*, vendor=None, product=None, include_withdrawn: bool = False) -> QuerySet[Attestation]:
    qs = Attestation.objects.select_related("vendor__organisation", "product").order_by("-attested_on", "-pk")
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if product is not None:
        qs = qs.filter(Q(product=product) | Q(product__isnull=True, vendor=product.vendor))
    return qs


def vendor_scope(actor: Actor):
    """None for readers of everything (staff, districts); the actor's vendor for a vendor user."""
    if actor.role in READERS:
        return None
    vendor = vendor_of_organisation(actor.organisation) if actor.role == VENDOR else None
    if vendor is None:
        raise PermissionDenied("Evidence is for consortium staff, districts and the vendor itself.")
    return vendor


DOCUMENT_KINDS = {"dpa": DataPrivacyAgreement, "report": AccessibilityReport,
                  "attestation": Attestation}


def evidence_document_get(*, kind: str, evidence_id: int, actor: Actor):
    """The evidence row whose document the actor may download; DoesNotExist for a vendor asking
    for another vendor's (so its existence is not revealed)."""
    model = DOCUMENT_KINDS.get(kind)
    if model is None:
        raise DataPrivacyAgreement.DoesNotExist("Unknown kind of evidence.")
    item = model.objects.filter(pk=evidence_id).first()
    if item is None:
        raise model.DoesNotExist("No such evidence.")
    vendor = vendor_scope(actor)
    owner = item.product.vendor_id if isinstance(item, AccessibilityReport) else item.vendor_id
    if vendor is not None and owner != vendor.pk:
        raise model.DoesNotExist("No such evidence.")
    return item


def vendor_dpa_get(*, vendor, dpa_id: int) -> DataPrivacyAgreement:
    """One of the vendor's agreements (or joinders to its offers), withdrawn or not;
    DoesNotExist for another vendor's, so its existence is not revealed."""
    return dpa_list(vendor=vendor, include_withdrawn=True).get(pk=dpa_id)


def vendor_report_get(*, vendor, report_id: int) -> AccessibilityReport:
    return report_list(vendor=vendor, include_withdrawn=True).get(pk=report_id)


def vendor_attestation_get(*, vendor, attestation_id: int) -> Attestation:
    return attestation_list(vendor=vendor, include_withdrawn=True).get(pk=attestation_id)


@dataclass(frozen=True)
class Expiring:
    """A vendor's evidence record that stops applying soon: `until` is the first day it no
    longer applies (a DPA's `expires_on`, the day after a report's or attestation's `valid_until`)."""

    kind: str  # dpa | report | attestation
    record: object
    until: dt.date


EXPIRY_WINDOW_DAYS = 90


def evidence_expiring(*, vendor, within_days: int = EXPIRY_WINDOW_DAYS,
                      today: Optional[dt.date] = None) -> list[Expiring]:
    """The vendor's records in force that stop applying within `within_days`, soonest first."""
    today = today or clock.today()
    limit = today + dt.timedelta(days=within_days)
    found = [Expiring("dpa", d, d.expires_on) for d in dpa_list(vendor=vendor)
             if d.expires_on is not None]
    # a report's or attestation's valid_until is its last valid day (inclusive)
    found += [Expiring("report", r, r.valid_until + dt.timedelta(days=1)) for r in report_list(vendor=vendor)]
    found += [Expiring("attestation", a, a.valid_until + dt.timedelta(days=1))
              for a in attestation_list(vendor=vendor)]
    return sorted((e for e in found if today < e.until <= limit),
                  key=lambda e: (e.until, e.kind, e.record.pk))


def offer_missing_terms(offer: DataPrivacyAgreement, on_date: Optional[dt.date] = None) -> list[str]:
    """The terms the rules in force for the offer's state (its adopters' state) require of a DPA
    that the offer does not contain (codes, `compliance.engine.dpa_terms.term_label` names them):
    a joinder copies the offer's terms, so it would lack them too."""
    day = on_date or timezone.localdate()
    rules = rules_in_force(on_date=day, codes=[offer.state]).get(offer.state, [])
    return missing_terms(required_terms(rules), terms_covered(offer.state, offer.terms_model, offer.terms_included))


def offers_missing_terms(offers, on_date: Optional[dt.date] = None) -> dict[int, list[str]]:
    """offer id -> the required terms it lacks (only offers lacking some), one rules query per state."""
    offers = list(offers)
    day = on_date or timezone.localdate()
    by_state = rules_in_force(on_date=day, codes={o.state for o in offers})
    required = {state: required_terms(rules) for state, rules in by_state.items()}
    out = {}
    for o in offers:
        absent = missing_terms(required.get(o.state, []), terms_covered(o.state, o.terms_model, o.terms_included))
        if absent:
            out[o.pk] = absent
    return out

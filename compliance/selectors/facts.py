"""Loading the engine's facts from the database with set-based queries: a fixed number of queries
whatever the number of products and states."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Optional

from django.db.models import Q, QuerySet

from catalog.models import Product
from compliance.engine.dpa_terms import terms_covered
from compliance.engine.facts import (DistrictFacts, Evidence, PrivacyFacts, ProductFacts,
                                     RuleFacts, population_facts)
from compliance.models import (AccessibilityReport, Attestation, DataPrivacyAgreement, DpaTemplate,
                               RuleVersion)
from compliance.models.evidence import DEFAULT_EVIDENCE_VALIDITY_DAYS, AttestationKind
from members.models import District
from members.selectors import memberships_of_district

CONSORTIUM_CODE = "EDPOOL"
FEDERAL_CODE = "US"
TEMPLATE_LABELS = dict(DpaTemplate.choices)
ATTESTATION_LABELS = dict(AttestationKind.choices)
VALIDITY = dt.timedelta(days=DEFAULT_EVIDENCE_VALIDITY_DAYS)


def rules_in_force(*, on_date: dt.date, codes: Iterable[str]) -> dict[str, list[RuleFacts]]:
    """Rule versions in force on `on_date` for these jurisdictions (one query), by code."""
    rows = (RuleVersion.objects.filter(retired_at__isnull=True, rule__jurisdiction__code__in=list(codes))
            .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on_date))
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on_date))
            .order_by("rule__rule_id")
            .values("id", "rule__rule_id", "number", "rule__jurisdiction__code",
                    "rule__jurisdiction__kind", "kind", "title", "citation", "sureness",
                    "applies_if", "requires", "note"))
    out: dict[str, list[RuleFacts]] = defaultdict(list)
    for r in rows:
        out[r["rule__jurisdiction__code"]].append(RuleFacts(
            version_id=r["id"], rule_id=r["rule__rule_id"], number=r["number"],
            jurisdiction=r["rule__jurisdiction__code"], jurisdiction_kind=r["rule__jurisdiction__kind"],
            kind=r["kind"], title=r["title"], citation=r["citation"], sureness=r["sureness"],
            applies_if=r["applies_if"], requires=r["requires"], note=r["note"]))
    return out


def rules_for_state(by_code: dict[str, list[RuleFacts]], state: str) -> list[RuleFacts]:
    return by_code.get(CONSORTIUM_CODE, []) + by_code.get(state, []) + by_code.get(FEDERAL_CODE, [])


def district_facts(district: District) -> DistrictFacts:
    current = next((m for m in memberships_of_district(district=district)
                    if m.state != "withdrawn"), None)
    population, basis = population_facts(district.population, district.enrollment)
    return DistrictFacts(id=district.pk, name=district.name, state=district.state,
                         membership_state=current.state if current else None,
                         population=population, population_basis=basis)


def generic_district(state: str) -> DistrictFacts:
    """A column of the matrix: an active member of `state` with no agreements of its own and an
    unknown population (so the earlier ADA date is assumed)."""
    return DistrictFacts(id=None, name=f"A member district in {state}", state=state,
                         membership_state="active", population=None, population_basis="unknown")


ONE_DAY = dt.timedelta(days=1)


def _status(start: dt.date, last_day: Optional[dt.date], day: dt.date) -> str:
    """Inclusive dates: in force from `start` to `last_day`, both included."""
    if day < start:
        return "not yet in force"
    if last_day is not None and day > last_day:
        return "expired"
    return "in force"


def product_facts(products: QuerySet[Product], on_date: dt.date) -> dict[int, ProductFacts]:
    """Facts for every product in the queryset: three queries."""
    rows = list(products.values("id", "name", "vendor_id", "vendor__organisation__name",
                                "kind", "grade_bands", "data_collected"))
    reports: dict[int, list] = defaultdict(list)
    lapsed: dict[int, Evidence] = {}
    # withdrawn evidence is never used: it counts as missing, not even as lapsed
    for r in (AccessibilityReport.objects.filter(product__in=products.order_by().values("id"),
                                                 withdrawn_at__isnull=True)
              .order_by("report_date", "id")
              .values("id", "product_id", "standard", "level", "report_format", "report_date", "expires_on")):
        until = r["expires_on"] or r["report_date"] + VALIDITY
        status = _status(r["report_date"], until, on_date)
        evidence = Evidence("accessibility_report", r["id"],
                            f"{r['report_format']} {r['standard']} {r['level']} of {r['report_date']:%Y-%m-%d}",
                            status, until)
        if status == "in force":
            reports[r["product_id"]].append((r["standard"], r["level"], evidence))
        elif status == "expired":
            lapsed[r["product_id"]] = evidence
    by_vendor: dict[int, list] = defaultdict(list)
    by_product: dict[int, list] = defaultdict(list)
    for a in (Attestation.objects.filter(vendor__in=products.order_by().values("vendor_id"),
                                         withdrawn_at__isnull=True)
              .order_by("attested_on", "id")
              .values("id", "vendor_id", "product_id", "kind", "framework", "attested_on", "expires_on")):
        until = a["expires_on"] or a["attested_on"] + VALIDITY
        status = _status(a["attested_on"], until, on_date)
        label = ATTESTATION_LABELS.get(a["kind"], a["kind"]) + (f" ({a['framework']})" if a["framework"] else "")
        item = (a["kind"], status, Evidence("attestation", a["id"],
                                            f"{label} of {a['attested_on']:%Y-%m-%d}", status, until))
        (by_product[a["product_id"]] if a["product_id"] else by_vendor[a["vendor_id"]]).append(item)
    out = {}
    for p in rows:
        items = by_vendor.get(p["vendor_id"], []) + by_product.get(p["id"], [])
        in_force = tuple((k, e) for k, s, e in items if s == "in force")
        have = {k for k, _ in in_force}
        gone = tuple((k, e) for k, s, e in items if s == "expired" and k not in have)
        out[p["id"]] = ProductFacts(
            id=p["id"], name=p["name"], vendor_id=p["vendor_id"],
            vendor_name=p["vendor__organisation__name"], kind=p["kind"],
            grade_bands=tuple(p["grade_bands"] or ()), data_collected=tuple(p["data_collected"] or ()),
            reports=tuple(reports.get(p["id"], ())),
            report_lapsed=None if reports.get(p["id"]) else lapsed.get(p["id"]),
            attestations=in_force, attestations_lapsed=gone)
    return out


_DPA_FIELDS = ("dataprivacyagreement_id", "product_id", "dataprivacyagreement__state",
               "dataprivacyagreement__kind", "dataprivacyagreement__template",
               "dataprivacyagreement__template_version", "dataprivacyagreement__state_variant",
               "dataprivacyagreement__signed_on",
               "dataprivacyagreement__expires_on", "dataprivacyagreement__general_offer_until",
               "dataprivacyagreement__district__organisation__name",
               "dataprivacyagreement__district_signed_on", "dataprivacyagreement__review_required_at",
               "dataprivacyagreement__reviewed_at", "dataprivacyagreement__terms_model",
               "dataprivacyagreement__terms_included")
PROPOSED, UNDER_REVIEW = "proposed by the vendor", "under review"


def _dpa_evidence(row, status: str, offer: bool = False) -> Evidence:
    p = "dataprivacyagreement__"
    joinder = row[p + "kind"] == "joinder"
    template = row[p + "state_variant"] or TEMPLATE_LABELS.get(row[p + "template"], row[p + "template"])
    version = f" {row[p + 'template_version']}" if row[p + "template_version"] else ""
    terms = terms_covered(row[p + "state"], row[p + "terms_model"], row[p + "terms_included"])
    if offer:
        until = row[p + "general_offer_until"]
        label = (f"General offer #{row['dataprivacyagreement_id']} ({template}{version}, "
                 f"{row[p + 'state']}), made with {row[p + 'district__organisation__name']}"
                 + (f", open until {until:%Y-%m-%d}" if until else ""))
        return Evidence("general_offer", row["dataprivacyagreement_id"], label, "open",
                        until or row[p + "expires_on"], terms=terms)
    what = "Joinder" if joinder else "DPA"
    expires = row[p + "expires_on"]
    label = (f"{what} #{row['dataprivacyagreement_id']} ({template}{version}, {row[p + 'state']}), "
             f"signed {row[p + 'signed_on']:%Y-%m-%d}"
             + (f" by the vendor, {status}" if status == PROPOSED else "")
             + (f", {status}" if status == UNDER_REVIEW else "")
             + (f", {'expired' if status == 'expired' else 'expires'} {expires:%Y-%m-%d}" if expires else ""))
    return Evidence("joinder" if joinder else "dpa", row["dataprivacyagreement_id"], label, status,
                    expires, terms=terms)


def open_offers(products: QuerySet[Product], states: list[str], on_date: dt.date) -> dict[tuple[str, int], Evidence]:
    """(state, product id) -> an open general offer covering it (not withdrawn, not closed early
    on or before the date): one query."""
    through = DataPrivacyAgreement.products.through
    p = "dataprivacyagreement__"
    # an offer counts only once the originating district's side is recorded
    rows = (through.objects.filter(**{p + "general_offer": True, p + "state__in": states,
                                      p + "signed_on__lte": on_date, p + "withdrawn_at__isnull": True,
                                      p + "district_signed_on__lte": on_date},
                                   product__in=products.order_by().values("id"))
            .filter(Q(**{p + "expires_on__isnull": True}) | Q(**{p + "expires_on__gt": on_date}))
            .filter(Q(**{p + "general_offer_until__isnull": True}) | Q(**{p + "general_offer_until__gte": on_date}))
            .filter(Q(**{p + "general_offer_closed_on__isnull": True})
                    | Q(**{p + "general_offer_closed_on__gt": on_date}))
            .order_by(p + "signed_on", "dataprivacyagreement_id").values(*_DPA_FIELDS))
    return {(r[p + "state"], r["product_id"]): _dpa_evidence(r, "open", offer=True) for r in rows}


def own_agreements(product_ids: set[int], district_id: int, state: str, on_date: dt.date
                   ) -> dict[int, tuple[Optional[Evidence], Optional[Evidence], Optional[Evidence]]]:
    """product id -> (the district's agreement in force, its newest lapsed one, one waiting for
    the district: proposed by the vendor or a joinder under review, counted by nothing): one
    query over the district's own agreements (few, withdrawn ones left out), filtered to
    `product_ids` here. An agreement is in force from the later of the two signatures."""
    through = DataPrivacyAgreement.products.through
    p = "dataprivacyagreement__"
    rows = (through.objects.filter(**{p + "district_id": district_id, p + "state": state,
                                      p + "withdrawn_at__isnull": True})
            .order_by(p + "signed_on", "dataprivacyagreement_id").values(*_DPA_FIELDS))
    out: dict[int, list] = {}
    for r in rows:
        if r["product_id"] not in product_ids:
            continue
        expires = r[p + "expires_on"]  # the first day it no longer applies
        district_side = r[p + "district_signed_on"]
        start = max(r[p + "signed_on"], district_side) if district_side else r[p + "signed_on"]
        status = _status(start, expires - ONE_DAY if expires else None, on_date)
        current, gone, pending = out.get(r["product_id"], [None, None, None])
        if status == "expired":
            gone = _dpa_evidence(r, status)
        elif district_side is None:
            pending = _dpa_evidence(r, PROPOSED)
        elif r[p + "review_required_at"] is not None and r[p + "reviewed_at"] is None:
            pending = _dpa_evidence(r, UNDER_REVIEW)
        elif status == "in force":
            current = _dpa_evidence(r, status)
        out[r["product_id"]] = [current, gone, pending]
    return {pid: (c, None if c else g, None if c else w) for pid, (c, g, w) in out.items()}


def privacy_for(pid: int, state: str, own: dict, offers: dict) -> PrivacyFacts:
    current, gone, pending = own.get(pid, (None, None, None))
    return PrivacyFacts(own=current, own_lapsed=gone, offer=offers.get((state, pid)), pending=pending)

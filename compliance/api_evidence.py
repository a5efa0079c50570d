"""API: vendors' evidence (DPAs with general offers, accessibility reports, attestations) and
districts' joinders to general offers. Uploads are multipart forms with a PDF `document`."""


from datetime import date
from typing import Optional

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.models import Role
from catalog.selectors import product_list
from compliance.models import AccessibilityReport, Attestation, DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.services.evidence import (accessibility_report_add, attestation_add, dpa_create,
                                          dpa_joinder_adopt)
from members.models import District
from members.selectors import district_of_organisation
from vendors.selectors import vendor_of_organisation

router = Router(tags=["compliance evidence"])
STAFF = Role.CONSORTIUM_STAFF
VENDOR = Role.VENDOR_USER
READERS = (STAFF, Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER, Role.EVALUATOR, VENDOR)


class DpaOut(Schema):
    id: int
    vendor_id: int
    vendor: str
    state: str
    kind: str
    template: str
    template_version: str
    state_variant: str
    district_id: int
    district: str
    offer_id: Optional[int]
    product_ids: list[int]
    signed_on: date
    expires_on: Optional[date]
    status: str
    general_offer: bool
    general_offer_until: Optional[date]
    general_offer_open: bool
    document_url: Optional[str]


class ReportOut(Schema):
    id: int
    product_id: int
    product: str
    standard: str
    level: str
    report_format: str
    report_date: date
    valid_until: date
    status: str
    document_url: str


class AttestationOut(Schema):
    id: int
    vendor_id: int
    product_id: Optional[int]
    kind: str
    framework: str
    attested_on: date
    valid_until: date
    status: str
    document_url: str


def _today():
    from django.utils import timezone
    return timezone.localdate()


def _doc_url(kind: str, pk: int) -> str:
    return f"/compliance/documents/{kind}/{pk}/"


def dpa_out(d: DataPrivacyAgreement) -> dict:
    today = _today()
    return {"id": d.pk, "vendor_id": d.vendor_id, "vendor": d.vendor.organisation.name,
            "state": d.state, "kind": d.kind, "template": d.template,
            "template_version": d.template_version, "state_variant": d.state_variant,
            "district_id": d.district_id, "district": d.district.name, "offer_id": d.offer_id,
            "product_ids": sorted(p.pk for p in d.products.all()), "signed_on": d.signed_on,
            "expires_on": d.expires_on, "status": d.status_on(today),
            "general_offer": d.general_offer, "general_offer_until": d.general_offer_until,
            "general_offer_open": d.offer_open_on(today),
            "document_url": _doc_url("dpa", d.pk) if d.document else None}


def report_out(r: AccessibilityReport) -> dict:
    today = _today()
    status = "in force" if r.in_force_on(today) else ("expired" if today >= r.valid_until else "not yet in force")
    return {"id": r.pk, "product_id": r.product_id, "product": r.product.name,
            "standard": r.standard, "level": r.level, "report_format": r.report_format,
            "report_date": r.report_date, "valid_until": r.valid_until, "status": status,
            "document_url": _doc_url("report", r.pk)}


def attestation_out(a: Attestation) -> dict:
    today = _today()
    status = "in force" if a.in_force_on(today) else ("expired" if today >= a.valid_until else "not yet in force")
    return {"id": a.pk, "vendor_id": a.vendor_id, "product_id": a.product_id, "kind": a.kind,
            "framework": a.framework, "attested_on": a.attested_on, "valid_until": a.valid_until,
            "status": status, "document_url": _doc_url("attestation", a.pk)}


def _vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor


def _own_products(vendor, ids: list[int], field: str):
    products = list(product_list(vendor=vendor).filter(pk__in=ids))
    missing = sorted(set(ids) - {p.pk for p in products})
    if missing:
        raise ValidationError({field: f"Not your products: {', '.join(map(str, missing))}."})
    return products


@router.get("/compliance/dpas", response=list[DpaOut], auth=API_AUTH)
@api_roles(*READERS)
def dpas(request, state: str = "", vendor_id: int = 0, district_id: int = 0):
    """Data privacy agreements (and joinders). Vendors see their own."""
    scope = ev.vendor_scope(request.actor)
    qs = ev.dpa_list(vendor=scope, state=state)
    if vendor_id and scope is None:
        qs = qs.filter(vendor_id=vendor_id)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return [dpa_out(d) for d in qs[:1000]]


@router.post("/compliance/dpas", response={201: DpaOut}, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_add(request, district_id: Form[int], template: Form[str], signed_on: Form[date],
            product_ids: Form[list[int]], template_version: Form[str] = "",
            state_variant: Form[str] = "", expires_on: Form[Optional[date]] = None,
            general_offer: Form[bool] = False, general_offer_until: Form[Optional[date]] = None,
            document: Optional[UploadedFile] = File(None)):
    """Record a DPA you signed with a district (its state is the district's), optionally with a
    general offer (NDPA Exhibit E) other districts of that state may adopt."""
    vendor = _vendor(request)
    district = District.objects.filter(pk=district_id).first()
    if district is None:
        raise ValidationError({"district_id": f"No district {district_id}."})
    dpa = dpa_create(vendor=vendor, district=district, template=template, signed_on=signed_on,
                     products=_own_products(vendor, product_ids, "product_ids"), document=document,
                     template_version=template_version, state_variant=state_variant,
                     expires_on=expires_on, general_offer=general_offer,
                     general_offer_until=general_offer_until, actor=request.actor)
    return Status(201, dpa_out(ev.dpa_list().get(pk=dpa.pk)))


@router.get("/compliance/general-offers", response=list[DpaOut], auth=API_AUTH)
@api_roles(STAFF, Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER, Role.EVALUATOR)
def general_offers(request, state: str = ""):
    """General offers open today. District users get their state's."""
    if request.actor.role != STAFF:
        district = district_of_organisation(request.actor.organisation)
        if district is None:
            raise Http404("Your organisation is not a district.")
        state = district.state
    if not state:
        raise ValidationError({"state": "Name the state (two letters)."})
    return [dpa_out(d) for d in ev.general_offers_open(state=state)[:1000]]


@router.post("/compliance/dpas/{dpa_id}/joinder", response={201: DpaOut}, auth=API_AUTH)
@api_roles(Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER)
def joinder(request, dpa_id: int):
    """Adopt a vendor's general offer for your district: one-click joinder (Exhibit E)."""
    district = district_of_organisation(request.actor.organisation)
    offer = DataPrivacyAgreement.objects.filter(pk=dpa_id).first()
    if district is None or offer is None:
        raise Http404("No such general offer.")
    joined = dpa_joinder_adopt(district=district, dpa=offer, actor=request.actor)
    return Status(201, dpa_out(ev.dpa_list().get(pk=joined.pk)))


@router.get("/compliance/accessibility-reports", response=list[ReportOut], auth=API_AUTH)
@api_roles(*READERS)
def reports(request, product_id: int = 0):
    """Accessibility conformance reports (VPAT/ACR), with validity. Vendors see their own."""
    qs = ev.report_list(vendor=ev.vendor_scope(request.actor))
    if product_id:
        qs = qs.filter(product_id=product_id)
    return [report_out(r) for r in qs[:1000]]


@router.post("/compliance/accessibility-reports", response={201: ReportOut}, auth=API_AUTH)
@api_roles(VENDOR)
def report_add(request, product_id: Form[int], standard: Form[str], level: Form[str],
               report_date: Form[date], report_format: Form[str] = "VPAT 2.5 (ACR)",
               expires_on: Form[Optional[date]] = None,
               document: Optional[UploadedFile] = File(None)):
    """Add an accessibility conformance report for one of your products (standard e.g.
    "WCAG 2.1", level A/AA/AAA). Without an expiry it counts for two years."""
    product = _own_products(_vendor(request), [product_id], "product_id")[0]
    report = accessibility_report_add(product=product, standard=standard, level=level,
                                      report_date=report_date, report_format=report_format,
                                      expires_on=expires_on, document=document, actor=request.actor)
    return Status(201, report_out(report))


@router.get("/compliance/attestations", response=list[AttestationOut], auth=API_AUTH)
@api_roles(*READERS)
def attestations(request, vendor_id: int = 0):
    """Attestations (COPPA, NIST CSF, SOC 2 ...), with validity. Vendors see their own."""
    scope = ev.vendor_scope(request.actor)
    qs = ev.attestation_list(vendor=scope)
    if vendor_id and scope is None:
        qs = qs.filter(vendor_id=vendor_id)
    return [attestation_out(a) for a in qs[:1000]]


@router.post("/compliance/attestations", response={201: AttestationOut}, auth=API_AUTH)
@api_roles(VENDOR)
def attestation_create(request, kind: Form[str], attested_on: Form[date], framework: Form[str] = "",
                       product_id: Form[Optional[int]] = None,
                       expires_on: Form[Optional[date]] = None,
                       document: Optional[UploadedFile] = File(None)):
    """Add an attestation for your company (or one product): kind coppa, nist_csf, soc2,
    iso27001 or other."""
    vendor = _vendor(request)
    product = _own_products(vendor, [product_id], "product_id")[0] if product_id else None
    attestation = attestation_add(vendor=vendor, kind=kind, attested_on=attested_on,
                                  product=product, framework=framework, expires_on=expires_on,
                                  document=document, actor=request.actor)
    return Status(201, attestation_out(attestation))

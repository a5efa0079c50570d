"""API: vendors' evidence (DPAs with general offers, accessibility reports, attestations) and
districts' joinders to general offers. Adding uploads a multipart form with a PDF `document`;
correcting (PUT: every field, PATCH: the fields sent) takes JSON, with a replacement document, if
any, inside it (`document`: {"filename", "content_base64"}); without one the document stays.
Withdrawing takes {"reason"}. Another vendor's record is 404."""


from contextlib import contextmanager
from typing import Optional

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import DISTRICT_ROLES, EVERYONE, JOINERS, STAFF, VENDOR
from catalog.selectors import product_list
from compliance.api_evidence_schemas import (DPA, REPORT, AccessibilityReportIn, AccessibilityReportOut,
                                             AccessibilityReportPatch, ComplianceAttestationIn,
                                             ComplianceAttestationOut, ComplianceAttestationPatch, ComplianceDpaIn,
                                             ComplianceDpaOut, ComplianceDpaPatch, ComplianceWithdrawIn,
                                             EvidenceDocumentIn)
from compliance.models import AccessibilityReport, Attestation, DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.services.evidence import (accessibility_report_add, accessibility_report_update,
                                          accessibility_report_withdraw, attestation_add,
                                          attestation_update, attestation_withdraw, dpa_create,
                                          dpa_joinder_adopt, dpa_offer_close, dpa_update,
                                          dpa_withdraw)
from core.api_types import AnyId, Day, Filter, Id, text, text_of
from core.documents import upload_from_base64
from members.models import District
from members.selectors import district_for_actor
from vendors.selectors import vendor_for_actor

router = Router(tags=["compliance evidence"])


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
            "terms_model": d.terms_model, "terms_included": list(d.terms_included),
            "district_id": d.district_id, "district": d.district.name, "offer_id": d.offer_id,
            "product_ids": sorted(p.pk for p in d.products.all()), "signed_on": d.signed_on,
            "expires_on": d.expires_on, "status": d.status_on(today),
            "general_offer": d.general_offer, "general_offer_until": d.general_offer_until,
            "general_offer_open": d.offer_open_on(today),
            "general_offer_closed_on": d.general_offer_closed_on,
            "withdrawn_at": d.withdrawn_at, "withdrawn_reason": d.withdrawn_reason,
            "document_url": _doc_url("dpa", d.pk) if d.document else None,
            "district_signed_on": d.district_signed_on, "district_side": d.district_side,
            "review_required_at": d.review_required_at, "review_reason": d.review_reason,
            "reviewed_at": d.reviewed_at, "review_outcome": d.review_outcome}


def report_out(r: AccessibilityReport) -> dict:
    return {"id": r.pk, "product_id": r.product_id, "product": r.product.name,
            "standard": r.standard, "level": r.level, "report_format": r.report_format,
            "report_date": r.report_date, "expires_on": r.expires_on, "valid_until": r.valid_until,
            "status": r.status_on(_today()), "withdrawn_at": r.withdrawn_at,
            "withdrawn_reason": r.withdrawn_reason, "document_url": _doc_url("report", r.pk)}


def attestation_out(a: Attestation) -> dict:
    return {"id": a.pk, "vendor_id": a.vendor_id, "product_id": a.product_id, "kind": a.kind,
            "framework": a.framework, "attested_on": a.attested_on, "expires_on": a.expires_on,
            "valid_until": a.valid_until, "status": a.status_on(_today()),
            "withdrawn_at": a.withdrawn_at, "withdrawn_reason": a.withdrawn_reason,
            "document_url": _doc_url("attestation", a.pk)}


@contextmanager
def _api_names(**renames: str):
    """Service errors under the API's field names (e.g. products -> product_ids)."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError({renames.get(k, k): v for k, v in exc.error_dict.items()}) from None
        raise


def _merged(current: dict, payload, *, required: tuple[str, ...]) -> dict:
    """PATCH: the fields sent over the record's current values; a required field sent as null
    is an error naming it."""
    sent = payload.dict(exclude_unset=True, exclude={"document"})
    empty = [f for f in required if f in sent and sent[f] is None]
    if empty:
        raise ValidationError({f: "Cannot be null: leave it out to keep the current value." for f in empty})
    return {**current, **sent}


def _document(document: Optional[EvidenceDocumentIn]):
    if document is None:
        return None
    return upload_from_base64(document.content_base64, filename=document.filename, field="document")


def _own_products(vendor, ids: list[int], field: str):
    products = list(product_list(vendor=vendor).filter(pk__in=ids))
    missing = sorted(set(ids) - {p.pk for p in products})
    if missing:
        raise ValidationError({field: f"Not your products: {', '.join(map(str, missing))}."})
    return products


@router.get("/compliance/dpas", response=list[ComplianceDpaOut], auth=API_AUTH)
@api_roles(*EVERYONE)
def dpas(request, state: Filter = "", vendor_id: AnyId = 0, district_id: AnyId = 0):
    """Data privacy agreements (and joinders). Vendors see their own. Withdrawn ones are listed
    with status "withdrawn" and the reason; no verdict uses them."""
    scope = ev.vendor_scope(request.actor)
    qs = ev.dpa_list(vendor=scope, state=state, include_withdrawn=True)
    if vendor_id and scope is None:
        qs = qs.filter(vendor_id=vendor_id)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return [dpa_out(d) for d in qs[:1000]]


@router.post("/compliance/dpas", response={201: ComplianceDpaOut}, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_add(request, district_id: Form[Id], template: Form[text_of(DPA.template)],
            signed_on: Form[Day], product_ids: Form[list[Id]],
            template_version: text_of(DPA.template_version) = Form(""),
            state_variant: text_of(DPA.state_variant) = Form(""),
            terms_model: Form[Optional[text_of(DPA.terms_model)]] = None,
            terms_included: Form[list[text(60)]] = [],
            expires_on: Form[Optional[Day]] = None,
            general_offer: Form[bool] = False, general_offer_until: Form[Optional[Day]] = None,
            document: Optional[UploadedFile] = File(None)):
    """Record a DPA you signed with a district (its state is the district's), optionally with a
    general offer (NDPA Exhibit E) other districts of that state may adopt."""
    vendor = vendor_for_actor(request.actor)
    district = District.objects.filter(pk=district_id).first()
    if district is None:
        raise ValidationError({"district_id": f"No district {district_id}."})
    dpa = dpa_create(vendor=vendor, district=district, template=template, signed_on=signed_on,
                     products=_own_products(vendor, product_ids, "product_ids"), document=document,
                     template_version=template_version, state_variant=state_variant,
                     terms_model=terms_model, terms_included=terms_included, expires_on=expires_on, general_offer=general_offer,
                     general_offer_until=general_offer_until, actor=request.actor)
    return Status(201, dpa_out(ev.dpa_list().get(pk=dpa.pk)))


def _dpa_current(d: DataPrivacyAgreement) -> dict:
    return {"template": d.template, "template_version": d.template_version,
            "state_variant": d.state_variant, "product_ids": [p.pk for p in d.products.all()],
            "terms_model": d.terms_model, "terms_included": list(d.terms_included),
            "signed_on": d.signed_on, "expires_on": d.expires_on}


def _dpa_correct(request, dpa_id: int, values: dict, document: Optional[EvidenceDocumentIn]) -> dict:
    vendor = vendor_for_actor(request.actor)
    dpa = ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id)
    with _api_names(products="product_ids"):
        dpa_update(dpa=dpa, template=values["template"], template_version=values["template_version"] or "",
                   state_variant=values["state_variant"] or "", signed_on=values["signed_on"],
                   terms_model=values["terms_model"], terms_included=values["terms_included"] or (),
                   expires_on=values["expires_on"], document=_document(document),
                   products=_own_products(vendor, values["product_ids"], "product_ids"),
                   actor=request.actor)
    return dpa_out(ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id))


@router.put("/compliance/dpas/{dpa_id}", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_put(request, dpa_id: Id, payload: ComplianceDpaIn):
    """Correct one of your signed agreements (every field; an omitted expiry means none). Send
    `document` to replace the signed PDF. Joinders are the districts' records: 403."""
    return _dpa_correct(request, dpa_id, payload.dict(exclude={"document"}), payload.document)


@router.patch("/compliance/dpas/{dpa_id}", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_patch(request, dpa_id: Id, payload: ComplianceDpaPatch):
    """Correct some fields of one of your signed agreements; the others stay."""
    current = _dpa_current(ev.vendor_dpa_get(vendor=vendor_for_actor(request.actor), dpa_id=dpa_id))
    values = _merged(current, payload, required=("template", "product_ids", "signed_on"))
    return _dpa_correct(request, dpa_id, values, payload.document)


@router.post("/compliance/dpas/{dpa_id}/withdraw", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_withdraw_(request, dpa_id: Id, payload: ComplianceWithdrawIn):
    """Withdraw one of your signed agreements, with the reason. It stays listed as withdrawn;
    no verdict uses it and its general offer can no longer be adopted. Joinders made to it stay
    but are flagged for review (counted as missing until the district or staff review them)."""
    vendor = vendor_for_actor(request.actor)
    dpa_withdraw(dpa=ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id), reason=payload.reason,
                 actor=request.actor)
    return dpa_out(ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id))


@router.post("/compliance/dpas/{dpa_id}/close-offer", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(VENDOR)
def dpa_close_offer(request, dpa_id: Id):
    """Close the agreement's general offer today: no district may adopt it from now on; joinders
    already made stay in force."""
    vendor = vendor_for_actor(request.actor)
    dpa_offer_close(dpa=ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id), actor=request.actor)
    return dpa_out(ev.vendor_dpa_get(vendor=vendor, dpa_id=dpa_id))


@router.get("/compliance/general-offers", response=list[ComplianceDpaOut], auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def general_offers(request, state: Filter = ""):
    """General offers open today. District users get their state's."""
    if request.actor.role != STAFF:
        state = district_for_actor(request.actor).state
    if not state:
        raise ValidationError({"state": "Name the state (two letters)."})
    return [dpa_out(d) for d in ev.general_offers_open(state=state)[:1000]]


@router.post("/compliance/dpas/{dpa_id}/joinder", response={201: ComplianceDpaOut}, auth=API_AUTH)
@api_roles(*JOINERS)
def joinder(request, dpa_id: Id, accept_missing_terms: bool = False):
    """Adopt a vendor's general offer for your district: one-click joinder (Exhibit E). An offer
    lacking terms your state requires of a DPA is refused, naming them (a joinder would lack them
    too, and the verdict would stay blocked), unless `accept_missing_terms=true`."""
    district = district_for_actor(request.actor)
    offer = DataPrivacyAgreement.objects.filter(pk=dpa_id).first()
    if offer is None:
        raise Http404("No such general offer.")
    joined = dpa_joinder_adopt(district=district, dpa=offer, actor=request.actor,
                               accept_missing_terms=accept_missing_terms)
    return Status(201, dpa_out(ev.dpa_list().get(pk=joined.pk)))


@router.get("/compliance/accessibility-reports", response=list[AccessibilityReportOut], auth=API_AUTH)
@api_roles(*EVERYONE)
def reports(request, product_id: AnyId = 0):
    """Accessibility conformance reports (VPAT/ACR), with validity (status "withdrawn" with the
    reason for withdrawn ones). Vendors see their own."""
    qs = ev.report_list(vendor=ev.vendor_scope(request.actor), include_withdrawn=True)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return [report_out(r) for r in qs[:1000]]


@router.post("/compliance/accessibility-reports", response={201: AccessibilityReportOut}, auth=API_AUTH)
@api_roles(VENDOR)
def report_add(request, product_id: Form[Id], standard: Form[text_of(REPORT.standard)],
               level: Form[text_of(REPORT.level)], report_date: Form[Day],
               report_format: text_of(REPORT.report_format) = Form("VPAT 2.5 (ACR)"),
               expires_on: Form[Optional[Day]] = None,
               document: Optional[UploadedFile] = File(None)):
    """Add an accessibility conformance report for one of your products (standard e.g.
    "WCAG 2.1", level A/AA/AAA). Without an expiry it counts for two years."""
    product = _own_products(vendor_for_actor(request.actor), [product_id], "product_id")[0]
    report = accessibility_report_add(product=product, standard=standard, level=level,
                                      report_date=report_date, report_format=report_format,
                                      expires_on=expires_on, document=document, actor=request.actor)
    return Status(201, report_out(report))


def _report_correct(request, report_id: int, values: dict, document: Optional[EvidenceDocumentIn]) -> dict:
    vendor = vendor_for_actor(request.actor)
    report = ev.vendor_report_get(vendor=vendor, report_id=report_id)
    product = _own_products(vendor, [values["product_id"]], "product_id")[0]
    with _api_names(product="product_id"):
        accessibility_report_update(report=report, product=product, standard=values["standard"],
                                    level=values["level"], report_date=values["report_date"],
                                    report_format=values["report_format"] or "",
                                    expires_on=values["expires_on"], document=_document(document),
                                    actor=request.actor)
    return report_out(ev.vendor_report_get(vendor=vendor, report_id=report_id))


@router.put("/compliance/accessibility-reports/{report_id}", response=AccessibilityReportOut, auth=API_AUTH)
@api_roles(VENDOR)
def report_put(request, report_id: Id, payload: AccessibilityReportIn):
    """Correct one of your accessibility reports (every field; an omitted expiry means two years
    from the report date). Send `document` to replace its PDF."""
    return _report_correct(request, report_id, payload.dict(exclude={"document"}), payload.document)


@router.patch("/compliance/accessibility-reports/{report_id}", response=AccessibilityReportOut, auth=API_AUTH)
@api_roles(VENDOR)
def report_patch(request, report_id: Id, payload: AccessibilityReportPatch):
    """Correct some fields of one of your accessibility reports; the others stay."""
    r = ev.vendor_report_get(vendor=vendor_for_actor(request.actor), report_id=report_id)
    current = {"product_id": r.product_id, "standard": r.standard, "level": r.level,
               "report_format": r.report_format, "report_date": r.report_date, "expires_on": r.expires_on}
    values = _merged(current, payload, required=("product_id", "standard", "level", "report_date"))
    return _report_correct(request, report_id, values, payload.document)


@router.post("/compliance/accessibility-reports/{report_id}/withdraw", response=AccessibilityReportOut,
             auth=API_AUTH)
@api_roles(VENDOR)
def report_withdraw(request, report_id: Id, payload: ComplianceWithdrawIn):
    """Withdraw one of your accessibility reports, with the reason; no verdict uses it again."""
    vendor = vendor_for_actor(request.actor)
    accessibility_report_withdraw(report=ev.vendor_report_get(vendor=vendor, report_id=report_id),
                                  reason=payload.reason, actor=request.actor)
    return report_out(ev.vendor_report_get(vendor=vendor, report_id=report_id))


@router.get("/compliance/attestations", response=list[ComplianceAttestationOut], auth=API_AUTH)
@api_roles(*EVERYONE)
def attestations(request, vendor_id: AnyId = 0):
    """Attestations (COPPA, NIST CSF, SOC 2 ...), with validity (status "withdrawn" with the
    reason for withdrawn ones). Vendors see their own."""
    scope = ev.vendor_scope(request.actor)
    qs = ev.attestation_list(vendor=scope, include_withdrawn=True)
    if vendor_id and scope is None:
        qs = qs.filter(vendor_id=vendor_id)
    return [attestation_out(a) for a in qs[:1000]]


@router.post("/compliance/attestations", response={201: ComplianceAttestationOut}, auth=API_AUTH)
@api_roles(VENDOR)
def attestation_create(request, kind: Form[text_of(Attestation.kind)], attested_on: Form[Day],
                       framework: text_of(Attestation.framework) = Form(""),
                       product_id: Form[Optional[Id]] = None,
                       expires_on: Form[Optional[Day]] = None,
                       document: Optional[UploadedFile] = File(None)):
    """Add an attestation for your company (or one product): kind coppa, nist_csf, soc2,
    iso27001 or other."""
    vendor = vendor_for_actor(request.actor)
    product = _own_products(vendor, [product_id], "product_id")[0] if product_id else None
    attestation = attestation_add(vendor=vendor, kind=kind, attested_on=attested_on,
                                  product=product, framework=framework, expires_on=expires_on,
                                  document=document, actor=request.actor)
    return Status(201, attestation_out(attestation))


def _attestation_correct(request, attestation_id: int, values: dict,
                         document: Optional[EvidenceDocumentIn]) -> dict:
    vendor = vendor_for_actor(request.actor)
    attestation = ev.vendor_attestation_get(vendor=vendor, attestation_id=attestation_id)
    product_id = values["product_id"]
    product = _own_products(vendor, [product_id], "product_id")[0] if product_id else None
    with _api_names(product="product_id"):
        attestation_update(attestation=attestation, kind=values["kind"], framework=values["framework"] or "",
                           product=product, attested_on=values["attested_on"],
                           expires_on=values["expires_on"], document=_document(document),
                           actor=request.actor)
    return attestation_out(ev.vendor_attestation_get(vendor=vendor, attestation_id=attestation_id))


@router.put("/compliance/attestations/{attestation_id}", response=ComplianceAttestationOut, auth=API_AUTH)
@api_roles(VENDOR)
def attestation_put(request, attestation_id: Id, payload: ComplianceAttestationIn):
    """Correct one of your attestations (every field; no product_id means the whole company, no
    expiry two years from its date). Send `document` to replace its PDF."""
    return _attestation_correct(request, attestation_id, payload.dict(exclude={"document"}),
                                payload.document)


@router.patch("/compliance/attestations/{attestation_id}", response=ComplianceAttestationOut, auth=API_AUTH)
@api_roles(VENDOR)
def attestation_patch(request, attestation_id: Id, payload: ComplianceAttestationPatch):
    """Correct some fields of one of your attestations; the others stay (send product_id null
    for the whole company)."""
    a = ev.vendor_attestation_get(vendor=vendor_for_actor(request.actor), attestation_id=attestation_id)
    current = {"kind": a.kind, "framework": a.framework, "product_id": a.product_id,
               "attested_on": a.attested_on, "expires_on": a.expires_on}
    values = _merged(current, payload, required=("kind", "attested_on"))
    return _attestation_correct(request, attestation_id, values, payload.document)


@router.post("/compliance/attestations/{attestation_id}/withdraw", response=ComplianceAttestationOut, auth=API_AUTH)
@api_roles(VENDOR)
def attestation_withdraw_(request, attestation_id: Id, payload: ComplianceWithdrawIn):
    """Withdraw one of your attestations, with the reason; no verdict uses it again."""
    vendor = vendor_for_actor(request.actor)
    attestation_withdraw(attestation=ev.vendor_attestation_get(vendor=vendor, attestation_id=attestation_id),
                         reason=payload.reason, actor=request.actor)
    return attestation_out(ev.vendor_attestation_get(vendor=vendor, attestation_id=attestation_id))

"""Vendors' evidence: data privacy agreements, districts' joinders to general offers,
accessibility conformance reports and attestations. Documents are PDFs, checked by content.

The vendor's own users manage its evidence: add, correct, withdraw (with a reason) and close a
general offer early. A joinder is the adopting district's record: the vendor cannot change or
withdraw it. A withdrawn record stays (marked, with its reason) but is never used as evidence
again; a replaced document stays in storage, named in the audit trail. Decisions already recorded
keep the reasons they were computed with."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.acting import JOINERS, VENDOR, Actor, acts_as
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from catalog.models import Product
from compliance.models import (AccessibilityReport, Attestation, AttestationKind,
                               DataPrivacyAgreement, DistrictSide, DpaKind, DpaTemplate)
from compliance.services.dpa_sides import district_emails, joinders_flag_for_review, joinders_to_flag
from core.notify import notify
from compliance.engine.dpa_terms import state_model, term_label, validate_terms
from compliance.selectors.evidence import offer_missing_terms
from core.documents import validate_pdf
from members.models import District
from vendors.models import Vendor
from core.locks import lock

DPA_FIELDS = ("vendor", "state", "kind", "template", "template_version", "state_variant",
              "district", "offer", "signed_on", "expires_on", "document", "general_offer",
              "general_offer_until", "general_offer_closed_on", "withdrawn_at", "withdrawn_reason",
              "district_signed_on", "district_side", "terms_model", "terms_included")
REPORT_FIELDS = ("product", "standard", "level", "report_format", "report_date", "expires_on",
                 "document", "withdrawn_at", "withdrawn_reason")
ATTESTATION_FIELDS = ("vendor", "product", "kind", "framework", "attested_on", "expires_on",
                      "document", "withdrawn_at", "withdrawn_reason")
REASON_MAX = 500


def _require_vendor_user(actor: Actor, vendor: Vendor, what: str) -> None:
    if actor.is_system or acts_as(actor, VENDOR, vendor.organisation):
        return
    raise PermissionDenied(f"Only the vendor's own users may {what}.")


def _own_products(vendor: Vendor, products: Iterable[Product], field: str = "products") -> list[Product]:
    products = list(products)
    foreign = [p.name for p in products if p.vendor_id != vendor.pk]
    if foreign:
        raise ValidationError({field: f"Not your products: {', '.join(foreign)}."})
    return products


def _dpa_terms(errors: dict, *, vendor: Vendor, template: str, products: Iterable[Product],
               signed_on: dt.date, expires_on: Optional[dt.date]) -> list[Product]:
    """Checks what a signed agreement records (for adding and for correcting it); returns the
    products, all the vendor's own."""
    if template not in DpaTemplate.values:
        errors["template"] = f"One of {', '.join(DpaTemplate.values)}."
    products = _own_products(vendor, products)
    if not products:
        errors["products"] = "Name the products the agreement covers."
    if signed_on > timezone.localdate():
        errors["signed_on"] = "The signing date cannot be in the future."
    if expires_on is not None and expires_on <= signed_on:
        errors["expires_on"] = "The agreement must expire after it was signed."
    return products


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for withdrawing it."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"At most {REASON_MAX} characters (this is {len(reason)})."})
    return reason


def _require_not_withdrawn(item, what: str) -> None:
    if item.withdrawn_at is not None:
        raise ValidationError(f"This {what} was withdrawn on {timezone.localtime(item.withdrawn_at):%Y-%m-%d}; "
                              f"it can no longer be changed. Add a new one instead.")


def _dpa_state(dpa: DataPrivacyAgreement) -> dict:
    data = snapshot(dpa, DPA_FIELDS)
    data["products"] = sorted(dpa.products.values_list("pk", flat=True))
    return data


def _default_model(state: str, template: str, terms_model: Optional[str]) -> str:
    """`None` (not said): an agreement on the NDPA or a state variant follows the NDPA v2 with
    its state's exhibit (as the migration assumed for older records); "" means no model."""
    if terms_model is None:
        return state_model(state) if template in ("ndpa", "state_variant") else ""
    return terms_model


@transaction.atomic
def dpa_create(*, vendor: Vendor, district: District, template: str, signed_on: dt.date,
               products: Iterable[Product], document: Optional[UploadedFile],
               template_version: str = "", state_variant: str = "",
               expires_on: Optional[dt.date] = None, general_offer: bool = False,
               general_offer_until: Optional[dt.date] = None, terms_model: Optional[str] = None,
               terms_included: Iterable[str] = (), actor: Actor) -> DataPrivacyAgreement:
    """Record a DPA the vendor signed with a district (the originating district), for that
    district's state, optionally with a general offer (NDPA Exhibit E) open until a date. It is
    *proposed by the vendor*, counted by nothing (nor adoptable), until the district's side is
    recorded (`compliance.services.dpa_sides.dpa_district_sign`); the district is told."""
    _require_vendor_user(actor, vendor, "record its data privacy agreements")
    errors: dict[str, str] = {}
    products = _dpa_terms(errors, vendor=vendor, template=template, products=products,
                          signed_on=signed_on, expires_on=expires_on)
    if general_offer_until is not None and not general_offer:
        errors["general_offer_until"] = "Only a general offer has an adoption deadline."
    if general_offer_until is not None and general_offer_until < signed_on:
        errors["general_offer_until"] = "The offer cannot close before the agreement was signed."
    if document is None:
        errors["document"] = "Upload the signed agreement (PDF)."
    terms_model = _default_model(district.state, template, terms_model)
    terms_included = validate_terms(errors, district.state, terms_model, terms_included)
    if errors:
        raise ValidationError(errors)
    validate_pdf(document, field="document")
    dpa = DataPrivacyAgreement(vendor=vendor, state=district.state, kind=DpaKind.SIGNED,
                               terms_model=terms_model, terms_included=terms_included,
                               template=template, template_version=template_version.strip()[:40],
                               state_variant=state_variant.strip()[:120], district=district,
                               signed_on=signed_on, expires_on=expires_on,
                               general_offer=general_offer, general_offer_until=general_offer_until)
    dpa.document.save(f"dpa-{vendor.pk}-{district.pk}-{signed_on:%Y%m%d}.pdf", document, save=False)
    dpa.save()
    dpa.products.set(products)
    audit_record(actor=actor, action=AuditAction.DPA_CREATED, obj=dpa, after=_dpa_state(dpa))
    if not actor.is_system:
        notify(recipients=district_emails(district),
               subject=f"Countersign: {vendor.organisation.name} recorded a data privacy agreement with your district",
               body=(f"{vendor.organisation.name} recorded DPA #{dpa.pk} for {dpa.state}, signed "
                     f"{signed_on:%Y-%m-%d}, naming {district.name}. It counts for nothing until "
                     f"your district countersigns it in EdPool (or consortium staff record your "
                     f"district's signed copy)."),
               link="/compliance/offers/#dpas")
    return dpa


@transaction.atomic
def dpa_joinder_adopt(*, district: District, dpa: DataPrivacyAgreement, actor: Actor,
                      accept_missing_terms: bool = False) -> DataPrivacyAgreement:
    """A district adopts a vendor's general offer (NDPA Exhibit E) by a joinder: a new agreement
    record for the district, same state, same terms and products, ending when the offer's
    agreement ends. Only the district's own buyer or approver may adopt.

    The offer's terms are checked against the terms the state's rules in force require of a DPA
    (`compliance.engine.dpa_terms`): a joinder copies them, so an offer lacking some gives a
    joinder the verdict blocks, naming them. Such an offer is refused, naming the missing terms,
    unless the district adopts it knowingly (`accept_missing_terms`, after being told them)."""
    if not (actor.is_system or acts_as(actor, JOINERS, district.organisation)):
        raise PermissionDenied("Only the district's own buyer or approver may adopt a general offer.")
    offer = (lock(DataPrivacyAgreement.objects.all()).select_related("vendor", "district")
             .get(pk=dpa.pk))
    today = timezone.localdate()
    if offer.kind != DpaKind.SIGNED or not offer.general_offer:
        raise ValidationError({"dpa": "This agreement carries no general offer to adopt."})
    if offer.state != district.state:
        raise ValidationError({"dpa": f"This general offer is for {offer.state}; only districts "
                                      f"in {offer.state} may adopt it."})
    if offer.withdrawn:
        raise ValidationError({"dpa": "The vendor withdrew this agreement; its general offer can no "
                                      "longer be adopted."})
    if offer.proposed:
        raise ValidationError({"dpa": "This agreement is only proposed by the vendor: the district "
                                      "named in it has not countersigned it, so its general offer "
                                      "cannot be adopted yet."})
    if not offer.offer_open_on(today):
        raise ValidationError({"dpa": "This general offer is closed (the offer period ended, the "
                                      "vendor closed it or the agreement expired)."})
    if offer.district_id == district.pk:
        raise ValidationError({"dpa": "Your district signed this agreement itself."})
    if DataPrivacyAgreement.objects.filter(kind=DpaKind.JOINDER, offer=offer, district=district).exists():
        raise ValidationError({"dpa": "Your district has already adopted this general offer."})
    absent = offer_missing_terms(offer, today)
    if absent and not accept_missing_terms:
        raise ValidationError({"dpa": missing_terms_text(offer.state, absent)})
    joinder = DataPrivacyAgreement.objects.create(
        vendor=offer.vendor, state=offer.state, kind=DpaKind.JOINDER, template=offer.template,
        template_version=offer.template_version, state_variant=offer.state_variant,
        terms_model=offer.terms_model, terms_included=list(offer.terms_included),
        district=district, offer=offer, signed_on=today, expires_on=offer.expires_on,
        general_offer=False, district_signed_on=today, district_side=DistrictSide.JOINDER)
    joinder.products.set(list(offer.products.all()))
    audit_record(actor=actor, action=AuditAction.DPA_JOINDER_ADOPTED, obj=joinder,
                 after={**_dpa_state(joinder), **({"missing_terms": absent} if absent else {})})
    return joinder


def missing_terms_text(state: str, absent: list[str]) -> str:
    """What a district is told before adopting an offer that lacks terms its state requires."""
    return (f"This general offer lacks terms {state} requires in a data privacy agreement: "
            f"{'; '.join(term_label(t) for t in absent)}. A joinder copies the offer's terms, so the "
            f"compliance verdict would stay blocked, naming them, until the vendor signs an agreement "
            f"that contains them (for instance the NDPA v2 with the {state} exhibit).")


def _locked_dpa(dpa: DataPrivacyAgreement) -> DataPrivacyAgreement:
    return (lock(DataPrivacyAgreement.objects.all())
            .select_related("vendor__organisation", "district").get(pk=dpa.pk))


def _vendor_dpa(dpa: DataPrivacyAgreement, actor: Actor, what: str) -> DataPrivacyAgreement:
    """The agreement, locked, once the actor may `what` it: the vendor's own users, on a signed
    agreement (a joinder is the district's record), not withdrawn."""
    dpa = _locked_dpa(dpa)
    _require_vendor_user(actor, dpa.vendor, f"{what} its data privacy agreements")
    if dpa.kind == DpaKind.JOINDER:
        raise PermissionDenied("A joinder is the adopting district's own record; the vendor cannot "
                               "change or withdraw it.")
    _require_not_withdrawn(dpa, "agreement")
    return dpa


@transaction.atomic
def dpa_update(*, dpa: DataPrivacyAgreement, template: str, signed_on: dt.date,
               products: Iterable[Product], template_version: str = "", state_variant: str = "",
               expires_on: Optional[dt.date] = None, document: Optional[UploadedFile] = None,
               terms_model: Optional[str] = None, terms_included: Iterable[str] = (),
               actor: Actor) -> DataPrivacyAgreement:
    """The vendor corrects one of its signed agreements: template and version, state variant,
    products covered, signed date, expiry and (when `document` is given) the signed document.
    Its district and state stay; its general offer is closed with `dpa_offer_close`. A change to
    an agreement whose district side is recorded makes it proposed again (the district
    countersigns the corrected terms). Joinders already made to its offer keep the terms they
    were adopted with (they are the districts')."""
    dpa = _vendor_dpa(dpa, actor, "correct")
    errors: dict[str, str] = {}
    products = _dpa_terms(errors, vendor=dpa.vendor, template=template, products=products,
                          signed_on=signed_on, expires_on=expires_on)
    if dpa.general_offer_until is not None and dpa.general_offer_until < signed_on:
        errors["signed_on"] = (f"The general offer's adoption deadline "
                               f"({dpa.general_offer_until:%Y-%m-%d}) comes before this date.")
    first_joinder = dpa.joinders.order_by("signed_on").values_list("signed_on", flat=True).first()
    if first_joinder is not None and signed_on > first_joinder:
        errors["signed_on"] = (f"A district adopted this agreement's general offer on "
                               f"{first_joinder:%Y-%m-%d}, before this date.")
    terms_model = _default_model(dpa.state, template, terms_model)
    terms_included = validate_terms(errors, dpa.state, terms_model, terms_included)
    if errors:
        raise ValidationError(errors)
    if document is not None:
        validate_pdf(document, field="document")
    before = _dpa_state(dpa)
    confirmed = not dpa.proposed
    dpa.template, dpa.template_version = template, template_version.strip()[:40]
    dpa.state_variant = state_variant.strip()[:120]
    dpa.terms_model, dpa.terms_included = terms_model, terms_included
    dpa.signed_on, dpa.expires_on = signed_on, expires_on
    if document is not None:
        dpa.document.save(f"dpa-{dpa.vendor_id}-{dpa.district_id}-{signed_on:%Y%m%d}.pdf", document,
                          save=False)
    dpa.save()
    dpa.products.set(products)
    after = _dpa_state(dpa)
    if confirmed and after != before:
        # the district countersigned other terms: the corrected agreement is proposed again
        dpa.district_signed_on, dpa.district_side = None, ""
        dpa.save(update_fields=["district_signed_on", "district_side"])
        after = _dpa_state(dpa)
    if after != before:
        audit_record(actor=actor, action=AuditAction.DPA_UPDATED, obj=dpa, before=before, after=after)
    return dpa


@transaction.atomic
def dpa_offer_close(*, dpa: DataPrivacyAgreement, actor: Actor) -> DataPrivacyAgreement:
    """The vendor closes its general offer early: from today no district may adopt it. Joinders
    made before stay in force; the agreement itself is unchanged."""
    dpa = _vendor_dpa(dpa, actor, "close the general offers of")
    today = timezone.localdate()
    if not dpa.general_offer:
        raise ValidationError("This agreement carries no general offer.")
    if not dpa.offer_terms_open_on(today):
        raise ValidationError("This general offer is already closed (its offer period ended, it was "
                              "closed early or the agreement expired).")
    before = _dpa_state(dpa)
    dpa.general_offer_closed_on = today
    dpa.save(update_fields=["general_offer_closed_on"])
    audit_record(actor=actor, action=AuditAction.DPA_OFFER_CLOSED, obj=dpa, before=before, after=_dpa_state(dpa))
    return dpa


@transaction.atomic
def dpa_withdraw(*, dpa: DataPrivacyAgreement, reason: str, actor: Actor) -> DataPrivacyAgreement:
    """The vendor withdraws one of its signed agreements, with the reason: it stays on record,
    marked withdrawn, but no verdict uses it again and its general offer can no longer be
    adopted. Joinders districts made to its offer are their own records: they stay, but each is
    flagged for review (counted as missing until reviewed) and its district is told."""
    dpa = _vendor_dpa(dpa, actor, "withdraw")
    reason = _reason(reason)
    joinders = joinders_to_flag(dpa)
    before = _dpa_state(dpa)
    dpa.withdrawn_at, dpa.withdrawn_reason = timezone.now(), reason
    dpa.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(actor=actor, action=AuditAction.DPA_WITHDRAWN, obj=dpa, before=before, after=_dpa_state(dpa))
    joinders_flag_for_review(dpa=dpa, joinders=joinders, reason=reason, actor=actor)
    return dpa


def _dates(errors: dict, start_field: str, start: dt.date, expires_on: Optional[dt.date]) -> None:
    if start > timezone.localdate():
        errors[start_field] = "The date cannot be in the future."
    if expires_on is not None and expires_on <= start:
        errors["expires_on"] = "The expiry must come after the date."


def _report_terms(errors: dict, *, standard: str, level: str, report_date: dt.date,
                  expires_on: Optional[dt.date]) -> None:
    if standard not in AccessibilityReport.Standard.values:
        errors["standard"] = f"One of {', '.join(AccessibilityReport.Standard.values)}."
    if level not in AccessibilityReport.Level.values:
        errors["level"] = f"One of {', '.join(AccessibilityReport.Level.values)}."
    _dates(errors, "report_date", report_date, expires_on)


def _attestation_terms(errors: dict, *, vendor: Vendor, kind: str, product: Optional[Product],
                       attested_on: dt.date, expires_on: Optional[dt.date]) -> None:
    if kind not in AttestationKind.values:
        errors["kind"] = f"One of {', '.join(AttestationKind.values)}."
    if product is not None and product.vendor_id != vendor.pk:
        errors["product"] = "Not your product."
    _dates(errors, "attested_on", attested_on, expires_on)


@transaction.atomic
def accessibility_report_add(*, product: Product, standard: str, level: str, report_date: dt.date,
                             document: Optional[UploadedFile], report_format: str = "VPAT 2.5 (ACR)",
                             expires_on: Optional[dt.date] = None, actor: Actor) -> AccessibilityReport:
    """The vendor adds an accessibility conformance report (VPAT/ACR) for one of its products."""
    _require_vendor_user(actor, product.vendor, "add accessibility reports for its products")
    errors: dict[str, str] = {}
    _report_terms(errors, standard=standard, level=level, report_date=report_date,
                  expires_on=expires_on)
    if document is None:
        errors["document"] = "Upload the report (PDF)."
    if errors:
        raise ValidationError(errors)
    validate_pdf(document, field="document")
    report = AccessibilityReport(product=product, standard=standard, level=level,
                                 report_format=(report_format or "VPAT (ACR)").strip()[:60],
                                 report_date=report_date, expires_on=expires_on)
    report.document.save(f"acr-{product.pk}-{report_date:%Y%m%d}.pdf", document, save=False)
    report.save()
    audit_record(actor=actor, action=AuditAction.ACCESSIBILITY_REPORT_CREATED, obj=report,
                 after=snapshot(report, REPORT_FIELDS))
    return report


@transaction.atomic
def attestation_add(*, vendor: Vendor, kind: str, attested_on: dt.date,
                    document: Optional[UploadedFile], product: Optional[Product] = None,
                    framework: str = "", expires_on: Optional[dt.date] = None,
                    actor: Actor) -> Attestation:
    """The vendor adds an attestation (COPPA, NIST CSF, SOC 2 ...) for the company or a product."""
    _require_vendor_user(actor, vendor, "add its attestations")
    errors: dict[str, str] = {}
    _attestation_terms(errors, vendor=vendor, kind=kind, product=product, attested_on=attested_on,
                       expires_on=expires_on)
    if document is None:
        errors["document"] = "Upload the attestation (PDF)."
    if errors:
        raise ValidationError(errors)
    validate_pdf(document, field="document")
    attestation = Attestation(vendor=vendor, product=product, kind=kind,
                              framework=framework.strip()[:120], attested_on=attested_on,
                              expires_on=expires_on)
    attestation.document.save(f"attestation-{vendor.pk}-{kind}-{attested_on:%Y%m%d}.pdf", document,
                              save=False)
    attestation.save()
    audit_record(actor=actor, action=AuditAction.ATTESTATION_CREATED, obj=attestation,
                 after=snapshot(attestation, ATTESTATION_FIELDS))
    return attestation


def _vendor_report(report: AccessibilityReport, actor: Actor, what: str) -> AccessibilityReport:
    report = (lock(AccessibilityReport.objects.all())
              .select_related("product__vendor__organisation").get(pk=report.pk))
    _require_vendor_user(actor, report.product.vendor, f"{what} its accessibility reports")
    _require_not_withdrawn(report, "report")
    return report


@transaction.atomic
def accessibility_report_update(*, report: AccessibilityReport, product: Product, standard: str,
                                level: str, report_date: dt.date,
                                report_format: str = "VPAT 2.5 (ACR)",
                                expires_on: Optional[dt.date] = None,
                                document: Optional[UploadedFile] = None,
                                actor: Actor) -> AccessibilityReport:
    """The vendor corrects one of its accessibility conformance reports (the product, another of
    its own, included); `document` replaces the report's PDF when given."""
    report = _vendor_report(report, actor, "correct")
    errors: dict[str, str] = {}
    if product.vendor_id != report.product.vendor_id:
        errors["product"] = "Not your product."
    _report_terms(errors, standard=standard, level=level, report_date=report_date,
                  expires_on=expires_on)
    if errors:
        raise ValidationError(errors)
    if document is not None:
        validate_pdf(document, field="document")
    before = snapshot(report, REPORT_FIELDS)
    report.product, report.standard, report.level = product, standard, level
    report.report_format = (report_format or "VPAT (ACR)").strip()[:60]
    report.report_date, report.expires_on = report_date, expires_on
    if document is not None:
        report.document.save(f"acr-{product.pk}-{report_date:%Y%m%d}.pdf", document, save=False)
    report.save()
    after = snapshot(report, REPORT_FIELDS)
    if after != before:
        audit_record(actor=actor, action=AuditAction.ACCESSIBILITY_REPORT_UPDATED, obj=report, before=before,
                     after=after)
    return report


@transaction.atomic
def accessibility_report_withdraw(*, report: AccessibilityReport, reason: str,
                                  actor: Actor) -> AccessibilityReport:
    """The vendor withdraws a report, with the reason: it stays on record, marked withdrawn, and
    no verdict uses it again (the product counts as having no such report)."""
    report = _vendor_report(report, actor, "withdraw")
    reason = _reason(reason)
    before = snapshot(report, REPORT_FIELDS)
    report.withdrawn_at, report.withdrawn_reason = timezone.now(), reason
    report.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(actor=actor, action=AuditAction.ACCESSIBILITY_REPORT_WITHDRAWN, obj=report, before=before,
                 after=snapshot(report, REPORT_FIELDS))
    return report


def _vendor_attestation(attestation: Attestation, actor: Actor, what: str) -> Attestation:
    attestation = (lock(Attestation.objects.all())
                   .select_related("vendor__organisation").get(pk=attestation.pk))
    _require_vendor_user(actor, attestation.vendor, f"{what} its attestations")
    _require_not_withdrawn(attestation, "attestation")
    return attestation


@transaction.atomic
def attestation_update(*, attestation: Attestation, kind: str, attested_on: dt.date,
                       product: Optional[Product] = None, framework: str = "",
                       expires_on: Optional[dt.date] = None,
                       document: Optional[UploadedFile] = None, actor: Actor) -> Attestation:
    """The vendor corrects one of its attestations (kind, framework, scope, dates); `document`
    replaces its PDF when given."""
    attestation = _vendor_attestation(attestation, actor, "correct")
    errors: dict[str, str] = {}
    _attestation_terms(errors, vendor=attestation.vendor, kind=kind, product=product,
                       attested_on=attested_on, expires_on=expires_on)
    if errors:
        raise ValidationError(errors)
    if document is not None:
        validate_pdf(document, field="document")
    before = snapshot(attestation, ATTESTATION_FIELDS)
    attestation.kind, attestation.product = kind, product
    attestation.framework = framework.strip()[:120]
    attestation.attested_on, attestation.expires_on = attested_on, expires_on
    if document is not None:
        attestation.document.save(f"attestation-{attestation.vendor_id}-{kind}-{attested_on:%Y%m%d}.pdf",
                                  document, save=False)
    attestation.save()
    after = snapshot(attestation, ATTESTATION_FIELDS)
    if after != before:
        audit_record(actor=actor, action=AuditAction.ATTESTATION_UPDATED, obj=attestation, before=before,
                     after=after)
    return attestation


@transaction.atomic
def attestation_withdraw(*, attestation: Attestation, reason: str, actor: Actor) -> Attestation:
    """The vendor withdraws an attestation, with the reason: it stays on record, marked
    withdrawn, and no verdict uses it again."""
    attestation = _vendor_attestation(attestation, actor, "withdraw")
    reason = _reason(reason)
    before = snapshot(attestation, ATTESTATION_FIELDS)
    attestation.withdrawn_at, attestation.withdrawn_reason = timezone.now(), reason
    attestation.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(actor=actor, action=AuditAction.ATTESTATION_WITHDRAWN, obj=attestation, before=before,
                 after=snapshot(attestation, ATTESTATION_FIELDS))
    return attestation

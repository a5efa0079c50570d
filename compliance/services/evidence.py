"""Vendors' evidence: data privacy agreements, districts' joinders to general offers,
accessibility conformance reports and attestations. Documents are PDFs, checked by content."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor
from audit.services import audit_record, snapshot
from catalog.models import Product
from compliance.models import (AccessibilityReport, Attestation, AttestationKind,
                               DataPrivacyAgreement, DpaKind, DpaTemplate)
from edpool.documents import validate_pdf
from members.models import District
from vendors.models import Vendor

DPA_FIELDS = ("vendor", "state", "kind", "template", "template_version", "state_variant",
              "district", "offer", "signed_on", "expires_on", "document", "general_offer",
              "general_offer_until")
REPORT_FIELDS = ("product", "standard", "level", "report_format", "report_date", "expires_on",
                 "document")
ATTESTATION_FIELDS = ("vendor", "product", "kind", "framework", "attested_on", "expires_on",
                      "document")
JOIN_ROLES = ("district_buyer", "district_approver")


def _require_vendor_user(actor: Actor, vendor: Vendor, what: str) -> None:
    if actor.is_system or (actor.role == "vendor_user" and actor.acts_for(vendor.organisation)):
        return
    raise PermissionDenied(f"Only the vendor's own users may {what}.")


def _own_products(vendor: Vendor, products: Iterable[Product], field: str = "products") -> list[Product]:
    products = list(products)
    foreign = [p.name for p in products if p.vendor_id != vendor.pk]
    if foreign:
        raise ValidationError({field: f"Not your products: {', '.join(foreign)}."})
    return products


def _dpa_state(dpa: DataPrivacyAgreement) -> dict:
    data = snapshot(dpa, DPA_FIELDS)
    data["products"] = sorted(dpa.products.values_list("pk", flat=True))
    return data


@transaction.atomic
def dpa_create(*, vendor: Vendor, district: District, template: str, signed_on: dt.date,
               products: Iterable[Product], document: Optional[UploadedFile],
               template_version: str = "", state_variant: str = "",
               expires_on: Optional[dt.date] = None, general_offer: bool = False,
               general_offer_until: Optional[dt.date] = None, actor: Actor) -> DataPrivacyAgreement:
    """Record a DPA the vendor signed with a district (the originating district), for that
    district's state, optionally with a general offer (NDPA Exhibit E) open until a date."""
    _require_vendor_user(actor, vendor, "record its data privacy agreements")
    errors: dict[str, str] = {}
    if template not in DpaTemplate.values:
        errors["template"] = f"One of {', '.join(DpaTemplate.values)}."
    products = _own_products(vendor, products)
    if not products:
        errors["products"] = "Name the products the agreement covers."
    if signed_on > timezone.localdate():
        errors["signed_on"] = "The signing date cannot be in the future."
    if expires_on is not None and expires_on <= signed_on:
        errors["expires_on"] = "The agreement must expire after it was signed."
    if general_offer_until is not None and not general_offer:
        errors["general_offer_until"] = "Only a general offer has an adoption deadline."
    if general_offer_until is not None and general_offer_until < signed_on:
        errors["general_offer_until"] = "The offer cannot close before the agreement was signed."
    if document is None:
        errors["document"] = "Upload the signed agreement (PDF)."
    if errors:
        raise ValidationError(errors)
    validate_pdf(document, field="document")
    dpa = DataPrivacyAgreement(vendor=vendor, state=district.state, kind=DpaKind.SIGNED,
                               template=template, template_version=template_version.strip()[:40],
                               state_variant=state_variant.strip()[:120], district=district,
                               signed_on=signed_on, expires_on=expires_on,
                               general_offer=general_offer, general_offer_until=general_offer_until)
    dpa.document.save(f"dpa-{vendor.pk}-{district.pk}-{signed_on:%Y%m%d}.pdf", document, save=False)
    dpa.save()
    dpa.products.set(products)
    audit_record(actor=actor, action="dpa.created", obj=dpa, after=_dpa_state(dpa))
    return dpa


@transaction.atomic
def dpa_joinder_adopt(*, district: District, dpa: DataPrivacyAgreement,
                      actor: Actor) -> DataPrivacyAgreement:
    """A district adopts a vendor's general offer (NDPA Exhibit E) by a joinder: a new agreement
    record for the district, same state, same terms and products, ending when the offer's
    agreement ends. Only the district's own buyer or approver may adopt."""
    if not (actor.is_system or (actor.role in JOIN_ROLES and actor.acts_for(district.organisation))):
        raise PermissionDenied("Only the district's own buyer or approver may adopt a general offer.")
    offer = (DataPrivacyAgreement.objects.select_for_update(of=("self",)).select_related("vendor", "district")
             .get(pk=dpa.pk))
    today = timezone.localdate()
    if offer.kind != DpaKind.SIGNED or not offer.general_offer:
        raise ValidationError({"dpa": "This agreement carries no general offer to adopt."})
    if offer.state != district.state:
        raise ValidationError({"dpa": f"This general offer is for {offer.state}; only districts "
                                      f"in {offer.state} may adopt it."})
    if not offer.offer_open_on(today):
        raise ValidationError({"dpa": "This general offer is closed (the offer period ended or the "
                                      "agreement expired)."})
    if offer.district_id == district.pk:
        raise ValidationError({"dpa": "Your district signed this agreement itself."})
    if DataPrivacyAgreement.objects.filter(kind=DpaKind.JOINDER, offer=offer, district=district).exists():
        raise ValidationError({"dpa": "Your district has already adopted this general offer."})
    joinder = DataPrivacyAgreement.objects.create(
        vendor=offer.vendor, state=offer.state, kind=DpaKind.JOINDER, template=offer.template,
        template_version=offer.template_version, state_variant=offer.state_variant,
        district=district, offer=offer, signed_on=today, expires_on=offer.expires_on,
        general_offer=False)
    joinder.products.set(list(offer.products.all()))
    audit_record(actor=actor, action="dpa.joinder_adopted", obj=joinder, after=_dpa_state(joinder))
    return joinder


def _dates(errors: dict, start_field: str, start: dt.date, expires_on: Optional[dt.date]) -> None:
    if start > timezone.localdate():
        errors[start_field] = "The date cannot be in the future."
    if expires_on is not None and expires_on <= start:
        errors["expires_on"] = "The expiry must come after the date."


@transaction.atomic
def accessibility_report_add(*, product: Product, standard: str, level: str, report_date: dt.date,
                             document: Optional[UploadedFile], report_format: str = "VPAT 2.5 (ACR)",
                             expires_on: Optional[dt.date] = None, actor: Actor) -> AccessibilityReport:
    """The vendor adds an accessibility conformance report (VPAT/ACR) for one of its products."""
    _require_vendor_user(actor, product.vendor, "add accessibility reports for its products")
    errors: dict[str, str] = {}
    if standard not in AccessibilityReport.Standard.values:
        errors["standard"] = f"One of {', '.join(AccessibilityReport.Standard.values)}."
    if level not in AccessibilityReport.Level.values:
        errors["level"] = f"One of {', '.join(AccessibilityReport.Level.values)}."
    _dates(errors, "report_date", report_date, expires_on)
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
    audit_record(actor=actor, action="accessibility_report.created", obj=report,
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
    if kind not in AttestationKind.values:
        errors["kind"] = f"One of {', '.join(AttestationKind.values)}."
    if product is not None and product.vendor_id != vendor.pk:
        errors["product"] = "Not your product."
    _dates(errors, "attested_on", attested_on, expires_on)
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
    audit_record(actor=actor, action="attestation.created", obj=attestation,
                 after=snapshot(attestation, ATTESTATION_FIELDS))
    return attestation

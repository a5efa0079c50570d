"""The district's side of a data privacy agreement, and joinders to a withdrawn agreement.

A vendor alone cannot make an agreement count for a district: what it records naming a
district is *proposed by the vendor* until the district's side is recorded, either by the
district itself (its buyer or approver countersigns in EdPool) or by consortium staff recording
the district's signed copy (the date it signed and the PDF). A joinder is the district's own act,
so it is recorded with its district side.

When a vendor withdraws an agreement (e.g. "signed in error"), the joinders other districts made
to its general offer are not silently kept: each is flagged for review, its district is told,
and it counts as missing until the district (buyer or approver) or staff review it: kept (the
district holds to the terms it adopted) or ended (withdrawn, with the note). See
compliance/data/README.md, "Agreements a district can rely on"."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.acting import JOINERS, Actor, acts_as, is_staff
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from compliance.models import DataPrivacyAgreement, DistrictSide, DpaKind, ReviewOutcome
from core.documents import validate_pdf
from core.locks import lock
from core.notify import notify
from members.models import District

SIDE_FIELDS = ("district_signed_on", "district_side", "district_document", "review_required_at",
               "review_reason", "reviewed_at", "review_outcome", "review_note", "withdrawn_at",
               "withdrawn_reason")
NOTE_MAX = 500


def district_emails(district: District) -> list[str]:
    from accounts.selectors import users_of_organisation

    return [a.user.email for a in users_of_organisation(district.organisation) if a.role in JOINERS]


def _locked(dpa: DataPrivacyAgreement) -> DataPrivacyAgreement:
    return (lock(DataPrivacyAgreement.objects.all())
            .select_related("vendor__organisation", "district__organisation").get(pk=dpa.pk))


@transaction.atomic
def dpa_district_sign(*, dpa: DataPrivacyAgreement, actor: Actor, signed_on: Optional[dt.date] = None,
                      document: Optional[UploadedFile] = None) -> DataPrivacyAgreement:
    """Record the district's side of an agreement the vendor proposed. The district's own buyer
    or approver countersigns it (today; no date or document to give). Consortium staff (or the
    system) record the district's signed copy instead: the date the district signed and the PDF.
    Anyone else is refused; so is an agreement already countersigned, withdrawn, or a joinder."""
    dpa = _locked(dpa)
    district_user = acts_as(actor, JOINERS, dpa.district.organisation)
    if not district_user and not is_staff(actor):
        raise PermissionDenied("Only the named district's buyer or approver, or consortium staff, "
                               "may record the district's side of this agreement.")
    if dpa.kind != DpaKind.SIGNED:
        raise ValidationError("A joinder is the district's own act: it needs no countersignature.")
    if dpa.withdrawn:
        raise ValidationError("The vendor withdrew this agreement; it can no longer be countersigned.")
    if not dpa.proposed:
        raise ValidationError(f"The district's side of this agreement was already recorded "
                              f"({dpa.district_signed_on:%Y-%m-%d}).")
    today = timezone.localdate()
    before = snapshot(dpa, SIDE_FIELDS)
    if district_user:
        if signed_on is not None or document is not None:
            raise ValidationError("Countersign here; consortium staff record a signed copy.")
        dpa.district_signed_on, dpa.district_side = today, DistrictSide.COUNTERSIGNED
    else:
        errors = {}
        if signed_on is None:
            errors["signed_on"] = "Give the date the district signed."
        elif signed_on > today:
            errors["signed_on"] = "The date cannot be in the future."
        elif signed_on < dpa.signed_on - dt.timedelta(days=366):
            errors["signed_on"] = (f"More than a year before the vendor signed "
                                   f"({dpa.signed_on:%Y-%m-%d}): check the date.")
        if document is None:
            errors["document"] = "Upload the district's signed copy (PDF)."
        if errors:
            raise ValidationError(errors)
        validate_pdf(document, field="document")
        dpa.district_document.save(f"dpa-{dpa.pk}-district-{signed_on:%Y%m%d}.pdf", document, save=False)
        dpa.district_signed_on, dpa.district_side = signed_on, DistrictSide.COPY_RECORDED
    dpa.save(update_fields=["district_signed_on", "district_side", "district_document"])
    audit_record(actor=actor, action=AuditAction.DPA_DISTRICT_SIGNED, obj=dpa, before=before,
                 after=snapshot(dpa, SIDE_FIELDS))
    return dpa


def joinders_to_flag(dpa: DataPrivacyAgreement) -> list[DataPrivacyAgreement]:
    """The joinders to `dpa` still standing, locked (before any audit event of the transaction:
    the audit head is locked last)."""
    return list(lock(DataPrivacyAgreement.objects.filter(offer=dpa, kind=DpaKind.JOINDER,
                                                         withdrawn_at__isnull=True))
                .select_related("district__organisation"))


def joinders_flag_for_review(*, dpa: DataPrivacyAgreement, joinders: list[DataPrivacyAgreement],
                             reason: str, actor: Actor) -> list[DataPrivacyAgreement]:
    """Called when the vendor withdraws `dpa` (inside that transaction, `joinders` from
    `joinders_to_flag`): each is flagged for review, counts as missing from now, and its district
    is told."""
    now = timezone.now()
    flagged = []
    for joinder in joinders:
        if joinder.review_pending:
            continue
        before = snapshot(joinder, SIDE_FIELDS)
        joinder.review_required_at = now
        joinder.review_reason = (f"{dpa.vendor.organisation.name} withdrew agreement #{dpa.pk}, "
                                 f"which this joinder adopted: {reason}")[:600]
        joinder.reviewed_at, joinder.review_outcome, joinder.review_note = None, "", ""
        joinder.save(update_fields=["review_required_at", "review_reason", "reviewed_at",
                                    "review_outcome", "review_note"])
        audit_record(actor=actor, action=AuditAction.DPA_JOINDER_REVIEW_REQUIRED, obj=joinder,
                     before=before, after=snapshot(joinder, SIDE_FIELDS))
        notify(recipients=district_emails(joinder.district),
               subject=f"Review your joinder #{joinder.pk}: {dpa.vendor.organisation.name} withdrew its agreement",
               body=(f"{joinder.review_reason}\n\nUntil your district (or consortium staff) "
                     f"reviews joinder #{joinder.pk}, compliance checks count it as missing: "
                     f"keep it if your district holds to the terms it adopted, or end it."),
               link="/compliance/offers/#dpas")
        flagged.append(joinder)
    return flagged


@transaction.atomic
def dpa_joinder_review(*, joinder: DataPrivacyAgreement, outcome: str, note: str = "",
                       actor: Actor) -> DataPrivacyAgreement:
    """The district (buyer or approver) or staff review a joinder flagged because its offering
    agreement was withdrawn: `kept` (it counts again) or `ended` (withdrawn, with the note)."""
    joinder = _locked(joinder)
    if not (acts_as(actor, JOINERS, joinder.district.organisation) or is_staff(actor)):
        raise PermissionDenied("Only the district's buyer or approver, or consortium staff, may "
                               "review its joinder.")
    if not joinder.review_pending:
        raise ValidationError("This joinder is not waiting for a review.")
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Keep it or end it."})
    note = (note or "").strip()
    if "\x00" in note:
        raise ValidationError({"note": "The note contains a character that cannot be stored."})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"At most {NOTE_MAX} characters (this is {len(note)})."})
    if outcome == ReviewOutcome.ENDED and not note:
        raise ValidationError({"note": "Say why the joinder ends."})
    before = snapshot(joinder, SIDE_FIELDS)
    now = timezone.now()
    joinder.reviewed_at, joinder.review_outcome, joinder.review_note = now, outcome, note
    fields = ["reviewed_at", "review_outcome", "review_note"]
    if outcome == ReviewOutcome.ENDED:
        joinder.withdrawn_at, joinder.withdrawn_reason = now, f"Ended after review: {note}"[:500]
        fields += ["withdrawn_at", "withdrawn_reason"]
    joinder.save(update_fields=fields)
    audit_record(actor=actor, action=AuditAction.DPA_JOINDER_REVIEWED, obj=joinder, before=before,
                 after=snapshot(joinder, SIDE_FIELDS))
    return joinder

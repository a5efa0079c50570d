"""Master agreements: created from a final award, priced by a versioned schedule, signed,
renewed, terminated, amended (proposed, then approved by staff)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor, require_staff
from audit.actions import AuditAction, amendment_decision
from audit.services import audit_record, snapshot
from catalog.models import Product
from contracts.models import (AgreementDocument, Amendment, MasterAgreement, ScheduleEntry,
                              ScheduleVersion)
from core.tiers import clean_tiers
from contracts.selectors.agreements import awarded_lines, current_schedule, max_term_years
from contracts.services.catalog_index import catalog_index_refresh
from contracts.services.common import require_staff_or_vendor
from contracts.states import AGREEMENT_TRANSITIONS, AgreementState, AmendmentState, AwardKind
from core.documents import validate_pdf
from orgs.selectors import consortium_profile
from sourcing.lifecycle import current_award, effective_state
from sourcing.models import Solicitation
from sourcing.states import SolicitationState
from core.locks import lock

FIELDS = ("number", "state", "start_date", "end_date", "renewal_options", "renewal_months",
          "renewals_used", "admin_fee_rate", "vendor_signed_by", "consortium_signed_by",
          "signed_on", "terminated_on", "termination_reason")


def _default_fee_rate() -> Decimal:
    profile = consortium_profile()
    raw = (profile.settings or {}).get("default_admin_fee_rate", "0.02") if profile else "0.02"
    return Decimal(str(raw)).quantize(Decimal("0.0001"))


@transaction.atomic
def agreements_create_from_award(*, solicitation: Solicitation, actor: Actor) -> list[MasterAgreement]:
    """One master agreement per awarded vendor of a final award, pending signature, with its
    awarded lines ready to be mapped to the vendor's products."""
    require_staff(actor, "create master agreements")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    if effective_state(solicitation) != SolicitationState.AWARDED:
        raise ValidationError("Agreements are created once the award is final (after the "
                              "standstill, with no open protest).")
    award = current_award(solicitation)
    if MasterAgreement.objects.filter(award=award).exists():
        raise ValidationError("Agreements for this award already exist.")
    awarded = list(award.awarded_bids.select_related("vendor", "bid"))
    lines_by_bid = {ab.bid_id: awarded_lines(solicitation, ab) for ab in awarded}
    vendors_per_line: dict[str, int] = {}
    for lines in lines_by_bid.values():
        for ref in lines:
            vendors_per_line[ref] = vendors_per_line.get(ref, 0) + 1
    years = max_term_years(solicitation)
    fee = _default_fee_rate()
    created = []
    for i, ab in enumerate(awarded, start=1):
        multi = any(vendors_per_line[ref] > 1 for ref in lines_by_bid[ab.bid_id])
        agreement = MasterAgreement.objects.create(
            number=f"MA-{solicitation.number.removeprefix('SOL-')}-{i:02d}", vendor=ab.vendor,
            solicitation=solicitation, award=award, bid=ab.bid, title=solicitation.title,
            award_kind=AwardKind.MULTI_AWARD if multi else AwardKind.SINGLE_AWARD,
            max_term_years=years, admin_fee_rate=fee)
        ScheduleVersion.objects.create(agreement=agreement, number=1)
        audit_record(actor=actor, action=AuditAction.AGREEMENT_CREATED, obj=agreement,
                     after={**snapshot(agreement, FIELDS), "vendor": ab.vendor.legal_name,
                            "award_kind": agreement.award_kind,
                            "lines": sorted(lines_by_bid[ab.bid_id])})
        created.append(agreement)
    return created


def _entry_state(entry: ScheduleEntry) -> dict[str, Any]:
    return {"product": entry.product_id, "line": entry.line_reference, "tiers": entry.tiers,
            "list_price": str(entry.list_price)}


@transaction.atomic
def schedule_map_product(*, agreement: MasterAgreement, line_reference: str, product: Product,
                         actor: Actor) -> ScheduleEntry:
    """Before signature: put one of the vendor's products on the schedule under an awarded line,
    at the line's awarded tiers, with its list price beside them."""
    agreement = lock(MasterAgreement.objects.all()).select_related("vendor").get(pk=agreement.pk)
    require_staff_or_vendor(actor, agreement, "build the price schedule")
    if agreement.state != AgreementState.PENDING_SIGNATURE:
        raise ValidationError("After signature the schedule changes only by an approved amendment.")
    if product.vendor_id != agreement.vendor_id:
        raise ValidationError({"product": f"{product} is not a product of {agreement.vendor}."})
    lines = awarded_lines(agreement.solicitation, agreement.award.awarded_bids.get(bid=agreement.bid))
    if line_reference not in lines:
        raise ValidationError({"line_reference": f"{line_reference!r} is not a line awarded to "
                                                 f"{agreement.vendor} ({', '.join(sorted(lines))})."})
    version = agreement.schedule_versions.get(number=1)
    if version.entries.filter(product=product).exists():
        raise ValidationError({"product": f"{product} is already on the schedule."})
    line = lines[line_reference]
    entry = ScheduleEntry.objects.create(
        version=version, product=product, line_reference=line_reference,
        line_description=line["description"], unit=line["unit"], tiers=line["tiers"],
        list_price=product.list_price)
    audit_record(actor=actor, action=AuditAction.AGREEMENT_SCHEDULE_MAPPED, obj=agreement,
                 after=_entry_state(entry))
    return entry


@transaction.atomic
def schedule_unmap_product(*, agreement: MasterAgreement, product: Product, actor: Actor) -> None:
    agreement = lock(MasterAgreement.objects.all()).select_related("vendor").get(pk=agreement.pk)
    require_staff_or_vendor(actor, agreement, "build the price schedule")
    if agreement.state != AgreementState.PENDING_SIGNATURE:
        raise ValidationError("After signature the schedule changes only by an approved amendment.")
    entry = agreement.schedule_versions.get(number=1).entries.filter(product=product).first()
    if entry is None:
        raise ValidationError({"product": f"{product} is not on the schedule."})
    audit_record(actor=actor, action=AuditAction.AGREEMENT_SCHEDULE_UNMAPPED, obj=agreement,
                 before=_entry_state(entry))
    entry.delete()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


@transaction.atomic
def agreement_activate(*, agreement: MasterAgreement, start_date: dt.date, term_months: int,
                       renewal_options: int, renewal_months: int, vendor_signed_by: str,
                       consortium_signed_by: str, admin_fee_rate: Optional[Decimal] = None,
                       actor: Actor) -> MasterAgreement:
    """Record both signatures and start the term. The whole possible term, renewals included,
    may not exceed the state's maximum contract term."""
    require_staff(actor, "activate agreements")
    agreement = lock(MasterAgreement.objects.all()).get(pk=agreement.pk)
    target = AGREEMENT_TRANSITIONS.check(
        agreement.effective_state(), "activate", subject=f"agreement {agreement.number}")
    errors: dict[str, str] = {}
    if not vendor_signed_by.strip():
        errors["vendor_signed_by"] = "Name who signed for the vendor."
    if not consortium_signed_by.strip():
        errors["consortium_signed_by"] = "Name who signed for the consortium."
    if term_months < 1:
        errors["term_months"] = "At least one month."
    if renewal_options < 0 or renewal_months < 0:
        errors["renewal_options"] = "Renewals cannot be negative."
    longest = term_months + renewal_options * renewal_months
    if longest > agreement.max_term_years * 12:
        errors["term_months"] = (f"The term with every renewal would be {longest} months; the "
                                 f"maximum is {agreement.max_term_years} years.")
    if admin_fee_rate is not None:
        try:
            admin_fee_rate = Decimal(str(admin_fee_rate)).quantize(Decimal("0.0001"))
        except InvalidOperation:
            errors["admin_fee_rate"] = "A rate such as 0.02."
        else:
            if not (Decimal(0) <= admin_fee_rate < Decimal("0.2")):
                errors["admin_fee_rate"] = "Between 0 and 0.2 (20%)."
    schedule = current_schedule(agreement)
    mapped = {e.line_reference for e in schedule.entries.all()} if schedule else set()
    missing = set(awarded_lines(agreement.solicitation,
                                agreement.award.awarded_bids.get(bid=agreement.bid))) - mapped
    if missing:
        errors["schedule"] = "Map a product to every awarded line first: " + ", ".join(sorted(missing)) + "."
    if errors:
        raise ValidationError(errors)
    before = snapshot(agreement, FIELDS)
    agreement.state = target
    agreement.start_date = start_date
    agreement.end_date = _add_months(start_date, term_months) - dt.timedelta(days=1)
    agreement.renewal_options, agreement.renewal_months = renewal_options, renewal_months
    agreement.vendor_signed_by = vendor_signed_by.strip()
    agreement.consortium_signed_by = consortium_signed_by.strip()
    agreement.signed_on = timezone.localdate()
    if admin_fee_rate is not None:
        agreement.admin_fee_rate = admin_fee_rate
    agreement.save()
    audit_record(actor=actor, action=AuditAction.AGREEMENT_ACTIVATED, obj=agreement, before=before,
                 after=snapshot(agreement, FIELDS))
    catalog_index_refresh(agreement_ids=[agreement.pk])
    return agreement


@transaction.atomic
def agreement_renew(*, agreement: MasterAgreement, actor: Actor) -> MasterAgreement:
    require_staff(actor, "renew agreements")
    agreement = lock(MasterAgreement.objects.all()).get(pk=agreement.pk)
    AGREEMENT_TRANSITIONS.check(
        agreement.effective_state(), "renew", subject=f"agreement {agreement.number}")
    if agreement.renewals_used >= agreement.renewal_options:
        raise ValidationError(f"{agreement.number} has no renewal option left.")
    before = snapshot(agreement, FIELDS)
    agreement.end_date = _add_months(agreement.end_date + dt.timedelta(days=1),
                                     agreement.renewal_months) - dt.timedelta(days=1)
    agreement.renewals_used += 1
    agreement.save(update_fields=["end_date", "renewals_used"])
    audit_record(actor=actor, action=AuditAction.AGREEMENT_RENEWED, obj=agreement, before=before,
                 after=snapshot(agreement, FIELDS))
    catalog_index_refresh(agreement_ids=[agreement.pk])
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: MasterAgreement, reason: str, actor: Actor) -> MasterAgreement:
    require_staff(actor, "terminate agreements")
    agreement = lock(MasterAgreement.objects.all()).get(pk=agreement.pk)
    target = AGREEMENT_TRANSITIONS.check(
        agreement.effective_state(), "terminate", subject=f"agreement {agreement.number}")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for terminating."})
    before = snapshot(agreement, FIELDS)
    agreement.state, agreement.terminated_on = target, timezone.localdate()
    agreement.termination_reason = reason.strip()
    agreement.save()
    audit_record(actor=actor, action=AuditAction.AGREEMENT_TERMINATED, obj=agreement, before=before,
                 after=snapshot(agreement, FIELDS))
    catalog_index_refresh(agreement_ids=[agreement.pk])
    return agreement


@transaction.atomic
def amendment_propose(*, agreement: MasterAgreement, kind: str, summary: str,
                      set_entries: list[dict[str, Any]] = (), remove_products: list[int] = (),
                      actor: Actor) -> Amendment:
    """Propose a change to an active agreement's schedule (new prices, added or removed
    products). Nothing changes until staff approve it."""
    agreement = lock(MasterAgreement.objects.all()).select_related("vendor").get(pk=agreement.pk)
    require_staff_or_vendor(actor, agreement, "propose amendments")
    if agreement.effective_state() != AgreementState.ACTIVE:
        raise ValidationError("Only an active agreement can be amended.")
    errors: dict[str, str] = {}
    if kind not in Amendment.Kind.values:
        errors["kind"] = f"One of {', '.join(Amendment.Kind.values)}."
    if not summary.strip():
        errors["summary"] = "Say what changes and why."
    current = {e.product_id: e for e in current_schedule(agreement).entries.all()}
    lines = awarded_lines(agreement.solicitation, agreement.award.awarded_bids.get(bid=agreement.bid))
    clean_set = []
    for i, item in enumerate(set_entries, start=1):
        product = Product.objects.filter(pk=item.get("product"), vendor=agreement.vendor).first()
        if product is None:
            errors[f"entries[{i}].product"] = "Not a product of this agreement's vendor."
            continue
        ref = item.get("line_reference") or (current[product.pk].line_reference if product.pk in current else "")
        if ref not in lines:
            errors[f"entries[{i}].line_reference"] = f"One of the awarded lines: {', '.join(sorted(lines))}."
        tiers, tier_errors = clean_tiers(item.get("tiers"), f"entries[{i}].tiers")
        errors.update(tier_errors)
        clean_set.append({"product": product.pk, "line_reference": ref, "tiers": tiers})
    for pid in remove_products:
        if pid not in current:
            errors["remove"] = f"Product {pid} is not on the schedule."
    if not clean_set and not remove_products:
        errors["entries"] = "An amendment must change something."
    if errors:
        raise ValidationError(errors)
    amendment = Amendment.objects.create(
        agreement=agreement, number=agreement.amendments.count() + 1, kind=kind,
        summary=summary.strip(), changes={"set": clean_set, "remove": list(remove_products)},
        proposed_by=actor.user, proposed_at=timezone.now())
    audit_record(actor=actor, action=AuditAction.AMENDMENT_PROPOSED, obj=amendment,
                 after={"agreement": agreement.number, "number": amendment.number,
                        "kind": kind, "changes": amendment.changes})
    return amendment


@transaction.atomic
def amendment_decide(*, amendment: Amendment, approve: bool, reason: str = "",
                     actor: Actor) -> Amendment:
    """Staff approve (a new schedule version takes effect) or reject a proposed amendment."""
    require_staff(actor, "decide amendments")
    amendment = lock(Amendment.objects.all()).select_related("agreement").get(pk=amendment.pk)
    if amendment.state != AmendmentState.PROPOSED:
        raise ValidationError("This amendment has already been decided.")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "Give the reason for rejecting."})
    agreement = amendment.agreement
    amendment.state = AmendmentState.APPROVED if approve else AmendmentState.REJECTED
    amendment.decided_by, amendment.decided_at = actor.user, timezone.now()
    amendment.decision_reason = reason.strip()
    amendment.save()
    after: dict[str, Any] = {"state": amendment.state, "reason": amendment.decision_reason}
    if approve:
        old = current_schedule(agreement)
        entries = {e.product_id: e for e in old.entries.select_related("product")}
        ScheduleVersion.objects.filter(pk=old.pk).update(is_current=False)
        version = ScheduleVersion.objects.create(agreement=agreement, number=old.number + 1,
                                                 amendment=amendment)
        lines = awarded_lines(agreement.solicitation, agreement.award.awarded_bids.get(bid=agreement.bid))
        changed = {item["product"]: item for item in amendment.changes["set"]}
        removed = set(amendment.changes["remove"])
        for pid, entry in entries.items():
            if pid in removed or pid in changed:
                continue
            ScheduleEntry.objects.create(version=version, product_id=pid,
                                         line_reference=entry.line_reference,
                                         line_description=entry.line_description, unit=entry.unit,
                                         tiers=entry.tiers, list_price=entry.list_price)
        for pid, item in changed.items():
            product = Product.objects.get(pk=pid)
            line = lines[item["line_reference"]]
            ScheduleEntry.objects.create(version=version, product=product,
                                         line_reference=item["line_reference"],
                                         line_description=line["description"], unit=line["unit"],
                                         tiers=item["tiers"], list_price=product.list_price)
        after["schedule_version"] = version.number
    audit_record(actor=actor, action=amendment_decision(amendment.state), obj=amendment,
                 before={"state": "proposed"}, after=after)
    if approve:
        catalog_index_refresh(agreement_ids=[agreement.pk])
    return amendment


@transaction.atomic
def agreement_document_add(*, agreement: MasterAgreement, title: str, file: UploadedFile,
                           actor: Actor) -> AgreementDocument:
    require_staff(actor, "add agreement documents")
    validate_pdf(file, field="file")
    if not title.strip():
        raise ValidationError({"title": "A title is required."})
    document = AgreementDocument.objects.create(agreement=agreement, title=title.strip(), file=file)
    audit_record(actor=actor, action=AuditAction.AGREEMENT_DOCUMENT_ADDED, obj=agreement,
                 after={"document": document.pk, "title": document.title})
    return document

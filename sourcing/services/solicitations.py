"""Drafting, publishing, changing (by addendum), cancelling solicitations; documents; follows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.urls import reverse

from accounts.acting import Actor, require_staff
from core.limits import LONG_TEXT_MAX, NOTE_MAX, check_text
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from catalog.models import Category
from core.documents import validate_pdf
from core.notify import notify
from sourcing import policy
from sourcing.lifecycle import check_transition, effective_state
from sourcing.models import (Addendum, Bid, Criterion, Requirement, Solicitation,
                             SolicitationDocument, SolicitationLine, VendorFollow)
from sourcing.services.common import require_vendor, vendor_emails
from sourcing.signals import solicitation_published
from sourcing.states import AwardMethod, Kind, SolicitationState as S
from vendors.models import Vendor
from core.locks import lock

FIELDS = ("number", "kind", "title", "description", "category", "state", "questions_deadline",
          "bid_deadline", "standstill_days", "award_method", "score_threshold",
          "max_vendor_share", "max_vendors_per_line")
# An addendum repeating the previous one's text within this time is a double click, refused.
DUPLICATE_ADDENDUM_WINDOW = dt.timedelta(minutes=2)
CHANGEABLE_BY_ADDENDUM = ("title", "description", "questions_deadline", "bid_deadline",
                          "standstill_days")


@dataclass
class SolicitationContent:
    """Everything staff write in a solicitation besides its schedule."""

    title: str
    description: str
    category: Category
    kind: str = Kind.RFP
    lines: list[dict[str, Any]] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    award_method: str = AwardMethod.MULTI_AWARD
    score_threshold: Decimal = Decimal("70")
    max_vendor_share: Optional[Decimal] = None
    max_vendors_per_line: Optional[int] = None


def _state_of(solicitation: Solicitation) -> dict[str, Any]:
    data = snapshot(solicitation, FIELDS)
    data["lines"] = [snapshot(x, ("reference", "description", "unit", "estimated_quantity"))
                     for x in solicitation.lines.all()]
    data["requirements"] = [snapshot(x, ("code", "text")) for x in solicitation.requirements.all()]
    data["criteria"] = [snapshot(x, ("name", "weight", "is_price")) for x in solicitation.criteria.all()]
    return data


def _clean_lines(lines: list[dict[str, Any]]) -> tuple[list[SolicitationLine], dict[str, str]]:
    errors: dict[str, str] = {}
    rows, seen = [], set()
    for i, line in enumerate(lines, start=1):
        ref = str(line.get("reference", "")).strip()
        desc = str(line.get("description", "")).strip()
        unit = str(line.get("unit", "each")).strip() or "each"
        qty = line.get("estimated_quantity")
        if not ref:
            errors[f"lines[{i}].reference"] = "A reference is required."
        elif ref in seen:
            errors[f"lines[{i}].reference"] = f"Reference {ref!r} is used twice."
        seen.add(ref)
        if not desc:
            errors[f"lines[{i}].description"] = "A description is required."
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            errors[f"lines[{i}].estimated_quantity"] = "A whole number of at least 1 is required."
        rows.append(SolicitationLine(position=i, reference=ref[:40], description=desc[:500],
                                     unit=unit[:40], estimated_quantity=qty if isinstance(qty, int) else 0))
    return rows, errors


def _clean_requirements(items: list[dict[str, Any]]) -> tuple[list[Requirement], dict[str, str]]:
    from django.utils.text import slugify

    errors: dict[str, str] = {}
    rows, seen = [], set()
    for i, item in enumerate(items, start=1):
        text = str(item.get("text", "")).strip()
        code = slugify(item.get("code") or text)[:40] or f"req-{i}"
        if not text:
            errors[f"requirements[{i}].text"] = "The requirement's text is required."
        if code in seen:
            code = f"{code[:35]}-{i}"
        seen.add(code)
        rows.append(Requirement(position=i, code=code, text=text[:500]))
    return rows, errors


def _clean_criteria(items: list[dict[str, Any]]) -> tuple[list[Criterion], dict[str, str]]:
    errors: dict[str, str] = {}
    rows = []
    total = Decimal(0)
    prices = 0
    for i, item in enumerate(items, start=1):
        name = str(item.get("name", "")).strip()
        try:
            weight = Decimal(str(item.get("weight"))).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError):
            errors[f"criteria[{i}].weight"] = "A number is required."
            weight = Decimal(0)
        if weight <= 0:
            errors[f"criteria[{i}].weight"] = "The weight must be more than 0."
        if not name:
            errors[f"criteria[{i}].name"] = "A name is required."
        is_price = bool(item.get("is_price"))
        prices += is_price
        total += weight
        rows.append(Criterion(position=i, name=name[:120], weight=weight, is_price=is_price))
    if items and prices != 1:
        errors["criteria"] = "Exactly one criterion must be price (scored by formula)."
    if items and total != Decimal(100):
        errors["criteria.weight"] = f"The weights add up to {total}; they must add up to 100."
    return rows, errors


def _check_schedule(questions_deadline: dt.datetime, bid_deadline: dt.datetime,
                    standstill_days: int, errors: dict[str, str], *, now: dt.datetime) -> None:
    for name, value in (("questions_deadline", questions_deadline), ("bid_deadline", bid_deadline)):
        if value is None or timezone.is_naive(value):
            errors[name] = "A date and time with its time zone is required."
    if "bid_deadline" not in errors and bid_deadline <= now:
        errors["bid_deadline"] = "The bid deadline must be in the future."
    if not errors.get("questions_deadline") and not errors.get("bid_deadline") \
            and questions_deadline >= bid_deadline:
        errors["questions_deadline"] = "Questions must close before the bid deadline."
    if not (0 <= standstill_days <= 60):
        errors["standstill_days"] = "Between 0 and 60 days."


def _check_award_settings(content: SolicitationContent, errors: dict[str, str]) -> None:
    if content.award_method not in AwardMethod.values:
        errors["award_method"] = f"Unknown award method {content.award_method!r}."
    if not (Decimal(0) <= Decimal(content.score_threshold) <= Decimal(100)):
        errors["score_threshold"] = "Between 0 and 100."
    if content.max_vendor_share is not None and not (0 < Decimal(content.max_vendor_share) <= 1):
        errors["max_vendor_share"] = "A fraction above 0 and at most 1 (e.g. 0.5)."
    if content.max_vendors_per_line is not None and content.max_vendors_per_line < 1:
        errors["max_vendors_per_line"] = "At least 1."
    if content.kind not in Kind.values:
        errors["kind"] = f"Unknown kind {content.kind!r}."


def _ceil_minute(moment: dt.datetime) -> dt.datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(minutes=1)


def _next_number() -> str:
    year = timezone.localdate().year
    count = Solicitation.objects.filter(number__startswith=f"SOL-{year}-").count()
    return f"SOL-{year}-{count + 1:03d}"


def _write_children(solicitation: Solicitation, lines, requirements, criteria) -> None:
    solicitation.lines.all().delete()
    solicitation.requirements.all().delete()
    solicitation.criteria.all().delete()
    for row in lines + requirements + criteria:
        row.solicitation = solicitation
        row.save()


@transaction.atomic
def solicitation_create(*, content: SolicitationContent, questions_deadline: dt.datetime,
                        bid_deadline: dt.datetime, standstill_days: int = 7,
                        actor: Actor) -> Solicitation:
    """Draft a solicitation. Drafts may be incomplete in schedule; publishing checks everything."""
    require_staff(actor, "draft solicitations")
    lines, e1 = _clean_lines(content.lines)
    requirements, e2 = _clean_requirements(content.requirements)
    criteria, e3 = _clean_criteria(content.criteria)
    errors = {**e1, **e2, **e3}
    if not content.title.strip():
        errors["title"] = "A title is required."
    _check_award_settings(content, errors)
    if errors:
        raise ValidationError(errors)
    solicitation = Solicitation.objects.create(
        number=_next_number(), kind=content.kind, title=content.title.strip(),
        description=content.description.strip(), category=content.category,
        questions_deadline=questions_deadline, bid_deadline=bid_deadline,
        standstill_days=standstill_days, award_method=content.award_method,
        score_threshold=content.score_threshold, max_vendor_share=content.max_vendor_share,
        max_vendors_per_line=content.max_vendors_per_line, created_by=actor.user)
    _write_children(solicitation, lines, requirements, criteria)
    audit_record(actor=actor, action=AuditAction.SOLICITATION_DRAFTED, obj=solicitation,
                 after=_state_of(solicitation))
    return solicitation


@transaction.atomic
def solicitation_update_draft(*, solicitation: Solicitation, content: SolicitationContent,
                              questions_deadline: dt.datetime, bid_deadline: dt.datetime,
                              standstill_days: int, actor: Actor) -> Solicitation:
    """Change a draft freely. After publishing, changes are addenda (`addendum_publish`)."""
    require_staff(actor, "edit solicitations")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    if solicitation.state != S.DRAFT:
        raise ValidationError("Only a draft can be edited; publish an addendum to change a "
                              "published solicitation.")
    lines, e1 = _clean_lines(content.lines)
    requirements, e2 = _clean_requirements(content.requirements)
    criteria, e3 = _clean_criteria(content.criteria)
    errors = {**e1, **e2, **e3}
    if not content.title.strip():
        errors["title"] = "A title is required."
    _check_award_settings(content, errors)
    if errors:
        raise ValidationError(errors)
    before = _state_of(solicitation)
    for name in ("kind", "award_method", "score_threshold", "max_vendor_share",
                 "max_vendors_per_line", "category"):
        setattr(solicitation, name, getattr(content, name))
    solicitation.title, solicitation.description = content.title.strip(), content.description.strip()
    solicitation.questions_deadline, solicitation.bid_deadline = questions_deadline, bid_deadline
    solicitation.standstill_days = standstill_days
    solicitation.save()
    _write_children(solicitation, lines, requirements, criteria)
    audit_record(actor=actor, action=AuditAction.SOLICITATION_DRAFT_UPDATED, obj=solicitation,
                 before=before, after=_state_of(solicitation))
    return solicitation


@transaction.atomic
def solicitation_publish(*, solicitation: Solicitation, actor: Actor) -> Solicitation:
    require_staff(actor, "publish solicitations")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    now = timezone.now()
    target = check_transition(solicitation, "publish", now)
    errors: dict[str, str] = {}
    if not solicitation.lines.exists():
        errors["lines"] = "Add at least one line before publishing."
    criteria = list(solicitation.criteria.all())
    if not criteria:
        errors["criteria"] = "Add evaluation criteria (price and at least one other) before publishing."
    _check_schedule(solicitation.questions_deadline, solicitation.bid_deadline,
                    solicitation.standstill_days, errors, now=now)
    if errors:
        raise ValidationError(errors)
    before = snapshot(solicitation, ("state", "published_at"))
    solicitation.state, solicitation.published_at = target, now
    solicitation.save(update_fields=["state", "published_at"])
    audit_record(actor=actor, action=AuditAction.SOLICITATION_PUBLISHED, obj=solicitation, before=before,
                 after=snapshot(solicitation, ("state", "published_at")))
    vendors = Vendor.objects.filter(categories=solicitation.category).distinct()
    recipients = [email for vendor in vendors for email in vendor_emails(vendor)]
    notify(recipients=recipients,
           subject=f"New solicitation: {solicitation.number} {solicitation.title}",
           body=(f"{solicitation.number} ({solicitation.get_kind_display()}) is open for bids in "
                 f"{solicitation.category.name}.\n\nBid deadline: "
                 f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}."),
           link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    solicitation_published.send(sender=Solicitation, solicitation=solicitation, actor=actor)
    return solicitation


@transaction.atomic
def addendum_publish(*, solicitation: Solicitation, summary: str, actor: Actor,
                     changes: Optional[dict[str, Any]] = None,
                     lines: Optional[list[dict[str, Any]]] = None,
                     document: Optional[UploadedFile] = None,
                     document_title: str = "") -> Addendum:
    """Publish a change to an open solicitation. Every bid submitted before it is marked not
    confirmed until its vendor re-confirms; followers and bidders are notified. The bid deadline
    is at least the consortium's minimum notice (`policy.addendum_notice_hours`, default 72 h)
    after the addendum: a closer one, kept or requested, is extended, and the addendum says so.

    `changes` may set: title, description, questions_deadline, bid_deadline, standstill_days.
    `lines` replaces the lines (same format as when drafting)."""
    require_staff(actor, "publish addenda")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    now = timezone.now()
    if effective_state(solicitation, now) != S.PUBLISHED:
        raise ValidationError("Addenda can be published only while the solicitation is open for "
                              "bids (before the deadline).")
    summary = check_text(summary, field="summary", max_length=LONG_TEXT_MAX)
    if not summary:
        raise ValidationError({"summary": "Say what the addendum changes."})
    last = solicitation.addenda.order_by("-number").first()
    if (last is not None and last.summary == summary.strip()
            and now - last.published_at < DUPLICATE_ADDENDUM_WINDOW):
        # A second click (or a retried request): the solicitation row lock makes it wait for the
        # first, which it must not repeat (bidders would be notified and asked to re-confirm twice).
        raise ValidationError({"summary": (
            f"Addendum {last.number} with this text was published at "
            f"{timezone.localtime(last.published_at):%H:%M:%S %Z}. To publish another change, "
            f"describe it differently.")})
    changes = dict(changes or {})
    unknown = set(changes) - set(CHANGEABLE_BY_ADDENDUM)
    if unknown:
        raise ValidationError({"changes": f"These cannot be changed by addendum: {', '.join(sorted(unknown))}."})
    before = _state_of(solicitation)
    deadline_before = solicitation.bid_deadline
    errors: dict[str, str] = {}
    for name, value in changes.items():
        setattr(solicitation, name, value.strip() if isinstance(value, str) else value)
    if "title" in changes and not solicitation.title:
        errors["title"] = "A title is required."
    # Every bidder gets the consortium's minimum notice after an addendum to re-confirm or
    # replace its bid: a deadline closer than that (kept or requested) moves to that long after
    # now, rounded up to the whole minute. A requested deadline in the past is an error.
    notice_hours = policy.addendum_notice_hours()
    earliest = _ceil_minute(now + dt.timedelta(hours=notice_hours))
    requested = solicitation.bid_deadline
    extended = (isinstance(requested, dt.datetime) and not timezone.is_naive(requested)
                and now < requested < earliest)
    if extended:
        solicitation.bid_deadline = earliest
    _check_schedule(solicitation.questions_deadline, solicitation.bid_deadline,
                    solicitation.standstill_days, errors, now=now)
    new_lines = None
    if lines is not None:
        new_lines, line_errors = _clean_lines(lines)
        errors.update(line_errors)
        if not new_lines:
            errors["lines"] = "A solicitation needs at least one line."
    if document is not None:
        validate_pdf(document, field="document")
    if errors:
        raise ValidationError(errors)
    solicitation.save()
    if new_lines is not None:
        solicitation.lines.all().delete()
        for row in new_lines:
            row.solicitation = solicitation
            row.save()
    number = solicitation.addenda.count() + 1
    after = _state_of(solicitation)
    diff = {k: {"before": before[k], "after": after[k]} for k in after if before.get(k) != after[k]}
    addendum = Addendum.objects.create(
        solicitation=solicitation, number=number, summary=summary.strip(), changes=diff,
        published_at=now, bid_deadline_before=deadline_before,
        bid_deadline_after=solicitation.bid_deadline, deadline_extended=extended,
        notice_hours=notice_hours)
    if document is not None:
        SolicitationDocument.objects.create(
            solicitation=solicitation, addendum=addendum,
            title=document_title.strip() or f"Addendum {number}", file=document)
    audit_record(actor=actor, action=AuditAction.SOLICITATION_ADDENDUM_PUBLISHED, obj=solicitation,
                 before=before, after={**after, "addendum": number, "summary": addendum.summary,
                                       "deadline_extended_for_notice": extended,
                                       "notice_hours": notice_hours})
    bidders = Vendor.objects.filter(bids__solicitation=solicitation,
                                    bids__state=Bid.State.SUBMITTED)
    followers = Vendor.objects.filter(follows__solicitation=solicitation)
    recipients = [e for v in set(bidders) | set(followers) for e in vendor_emails(v)]
    notify(recipients=recipients,
           subject=f"Addendum {number} to {solicitation.number}",
           body=(f"Addendum {number} to {solicitation.number} {solicitation.title}:\n\n"
                 f"{addendum.summary}\n\n{addendum.deadline_note()}\n\n"
                 f"If you have already bid, re-confirm your bid (or replace "
                 f"it) before the deadline, "
                 f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}; until then "
                 f"it is marked as not confirmed."),
           link=reverse("sourcing:bid", kwargs={"solicitation_id": solicitation.pk}))
    return addendum


@transaction.atomic
def solicitation_start_evaluation(*, solicitation: Solicitation, actor: Actor) -> Solicitation:
    require_staff(actor, "start evaluations")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    target = check_transition(solicitation, "start_evaluation")
    before = snapshot(solicitation, ("state",))
    solicitation.state, solicitation.evaluation_started_at = target, timezone.now()
    solicitation.save(update_fields=["state", "evaluation_started_at"])
    audit_record(actor=actor, action=AuditAction.SOLICITATION_EVALUATION_STARTED, obj=solicitation,
                 before=before, after=snapshot(solicitation, ("state",)))
    return solicitation


@transaction.atomic
def solicitation_cancel(*, solicitation: Solicitation, reason: str, actor: Actor) -> Solicitation:
    require_staff(actor, "cancel solicitations")
    solicitation = lock(Solicitation.objects.all()).get(pk=solicitation.pk)
    target = check_transition(solicitation, "cancel")
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": "Give the public reason for cancelling."})
    before = snapshot(solicitation, ("state", "cancellation_reason"))
    solicitation.state, solicitation.cancelled_at = target, timezone.now()
    solicitation.cancellation_reason = reason.strip()
    solicitation.save(update_fields=["state", "cancelled_at", "cancellation_reason"])
    audit_record(actor=actor, action=AuditAction.SOLICITATION_CANCELLED, obj=solicitation, before=before,
                 after=snapshot(solicitation, ("state", "cancellation_reason")))
    recipients = [e for v in Vendor.objects.filter(bids__solicitation=solicitation).distinct()
                  for e in vendor_emails(v)]
    notify(recipients=recipients, subject=f"{solicitation.number} cancelled",
           body=f"{solicitation.number} {solicitation.title} was cancelled: {solicitation.cancellation_reason}",
           link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    return solicitation


@transaction.atomic
def document_add(*, solicitation: Solicitation, title: str, file: UploadedFile,
                 actor: Actor) -> SolicitationDocument:
    """Attach a document to a draft (after publishing, documents come with an addendum)."""
    require_staff(actor, "add documents")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    if solicitation.state != S.DRAFT:
        raise ValidationError("After publishing, add documents with an addendum.")
    validate_pdf(file, field="file")
    if not title.strip():
        raise ValidationError({"title": "A title is required."})
    document = SolicitationDocument.objects.create(solicitation=solicitation, title=title.strip(),
                                                   file=file)
    audit_record(actor=actor, action=AuditAction.SOLICITATION_DOCUMENT_ADDED, obj=solicitation,
                 after={"document": document.pk, "title": document.title})
    return document


@transaction.atomic
def solicitation_follow(*, solicitation: Solicitation, actor: Actor) -> VendorFollow:
    vendor = require_vendor(actor, "follow solicitations")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    if effective_state(solicitation) == S.DRAFT:
        raise ValidationError("This solicitation is not published.")
    follow, created = VendorFollow.objects.get_or_create(solicitation=solicitation, vendor=vendor)
    if created:
        audit_record(actor=actor, action=AuditAction.SOLICITATION_FOLLOWED, obj=follow,
                     after={"solicitation": solicitation.pk, "vendor": vendor.pk})
    return follow

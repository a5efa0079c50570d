"""Scheduled work for agreements, run by `edpool tick` (idempotent: each notice once).

- Expiry notices 180, 90 and 30 days before an active agreement's end date, to consortium staff
  and the buyers and approvers of participating members.
- A successor-solicitation notice to staff once an agreement is `successor_after_years` in.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleAssignment
from accounts.acting import JOINERS, STAFF, Actor
from audit.actions import agreement_notice
from audit.services import audit_record
from contracts.models import AgreementNotice, MasterAgreement
from contracts.selectors.agreements import needs_successor, successor_due_on
from contracts.states import AgreementState, ParticipationState
from core.notify import notify

EXPIRY_NOTICES = ((180, AgreementNotice.Kind.EXPIRY_180), (90, AgreementNotice.Kind.EXPIRY_90),
                  (30, AgreementNotice.Kind.EXPIRY_30))
ACTOR = Actor.system("edpool tick")


def _staff_emails() -> list[str]:
    return list(RoleAssignment.objects.filter(role=STAFF, user__is_active=True)
                .values_list("user__email", flat=True))


def _member_emails(agreement: MasterAgreement) -> list[str]:
    districts = agreement.participations.filter(state=ParticipationState.ACTIVE).values("district__organisation")
    return list(RoleAssignment.objects.filter(organisation__in=districts, user__is_active=True,
                                              role__in=JOINERS)
                .values_list("user__email", flat=True))


def _send_once(agreement: MasterAgreement, kind: str, for_date: dt.date, recipients: list[str],
               subject: str, body: str) -> bool:
    """Once per agreement, kind and date; the notice links to the agreement's page."""
    link = reverse("contracts:detail", kwargs={"agreement_id": agreement.pk})
    try:
        with transaction.atomic():
            notice = AgreementNotice.objects.create(agreement=agreement, kind=kind, for_date=for_date,
                                                    sent_at=timezone.now(), recipients=len(set(recipients)))
            notify(recipients=recipients, subject=subject, body=body, link=link)
            audit_record(actor=ACTOR, action=agreement_notice(kind), obj=agreement,
                         after={"for_date": for_date, "recipients": notice.recipients})
    except IntegrityError:  # already sent, perhaps by a tick running at the same moment
        return False
    return True


def expiry_notice_due(days_left: int) -> str | None:
    """The one notice due with this many days left: the nearest threshold not yet passed
    (a first run 20 days before the end sends the 30-day notice only, not all three)."""
    for days, kind in sorted(EXPIRY_NOTICES):
        if days_left <= days:
            return kind
    return None


def expiry_notices(today: dt.date) -> str:
    sent = 0
    horizon = today + dt.timedelta(days=max(days for days, _ in EXPIRY_NOTICES))
    agreements = (MasterAgreement.objects.filter(state=AgreementState.ACTIVE, end_date__gte=today,
                                                 end_date__lte=horizon).select_related("vendor"))
    for agreement in agreements:
        left = (agreement.end_date - today).days
        kind = expiry_notice_due(left)
        if kind is None or agreement.notices.filter(kind=kind, for_date=agreement.end_date).exists():
            continue
        if _send_once(agreement, kind, agreement.end_date, _staff_emails() + _member_emails(agreement),
                      f"{agreement.number} expires in {left} days",
                      f"{agreement.number} ({agreement.vendor}, {agreement.title}) ends on "
                      f"{agreement.end_date:%Y-%m-%d}. Renewal options left: "
                      f"{agreement.renewal_options - agreement.renewals_used}."):
            sent += 1
    return f"expiry notices sent: {sent}"


def successor_notices(today: dt.date) -> str:
    sent = 0
    for agreement in MasterAgreement.objects.filter(state=AgreementState.ACTIVE).select_related("vendor"):
        if not needs_successor(agreement, today):
            continue
        due = successor_due_on(agreement)
        if AgreementNotice.objects.filter(agreement=agreement, kind=AgreementNotice.Kind.SUCCESSOR,
                                          for_date=due).exists():
            continue
        if _send_once(agreement, AgreementNotice.Kind.SUCCESSOR, due, _staff_emails(),
                      f"Plan the successor solicitation for {agreement.number}",
                      f"{agreement.number} ({agreement.vendor}) started {agreement.start_date:%Y-%m-%d} "
                      f"and ends {agreement.end_date:%Y-%m-%d}: plan its successor solicitation."):
            sent += 1
    return f"successor notices sent: {sent}"

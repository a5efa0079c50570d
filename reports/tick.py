"""Scheduled work for sales reports, run by `edpool tick` (idempotent: each reminder once).

For every reporting quarter that has ended without a report: a reminder to the vendor 15 days
before the due date, and on the due date (or the first run after it) a second one to the vendor
and consortium staff. A run that starts after the due date sends only the second. Each reminder
is recorded (one per agreement, quarter and kind, under a unique constraint), so running the tick
again, or two ticks at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.acting import Actor
from audit.actions import sales_report_reminder
from audit.services import audit_record
from contracts.models import MasterAgreement
from core.notify import notify
from reports.models import ReportReminder, SalesReport
from reports.quarters import Quarter
from reports.selectors import agreement_quarters, staff_emails
from sourcing.services.common import vendor_emails

ACTOR = Actor.system("edpool tick")


def reminder_due(quarter: Quarter, today: dt.date) -> str | None:
    """The reminder due today for a missing report, if any: the nearest one not yet passed."""
    if today >= quarter.due:
        return ReportReminder.Kind.DUE
    if today >= quarter.reminder_on:
        return ReportReminder.Kind.BEFORE_DUE
    return None


def _send_once(agreement: MasterAgreement, quarter: Quarter, kind: str, audiences: list[tuple[list[str], str]],
               subject: str, body: str) -> bool:
    """`audiences`: (recipients, the page they open): the vendor its reports, staff the overdue list."""
    everyone = {r for recipients, _ in audiences for r in recipients}
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(agreement=agreement, year=quarter.year, quarter=quarter.number,
                                                     kind=kind, sent_at=timezone.now(),
                                                     recipients=len(everyone))
            for recipients, link in audiences:
                notify(recipients=recipients, subject=subject, body=body, link=link)
            audit_record(actor=ACTOR, action=sales_report_reminder(kind), obj=agreement,
                         after={"quarter": quarter.key, "due": quarter.due, "recipients": reminder.recipients})
    except IntegrityError:  # already sent, perhaps by a tick running at the same moment
        return False
    return True


def sales_report_reminders(today: dt.date) -> str:
    sent = 0
    agreements = MasterAgreement.objects.filter(start_date__isnull=False).select_related("vendor")
    reported = set(SalesReport.objects.values_list("agreement_id", "year", "quarter"))
    reminded = set(ReportReminder.objects.values_list("agreement_id", "year", "quarter", "kind"))
    staff = None
    for agreement in agreements:
        for quarter in agreement_quarters(agreement, today):
            if not quarter.has_ended(today) or (agreement.pk, quarter.year, quarter.number) in reported:
                continue
            kind = reminder_due(quarter, today)
            if kind is None or (agreement.pk, quarter.year, quarter.number, kind) in reminded:
                continue
            audiences = [(vendor_emails(agreement.vendor), reverse("reports:submit", kwargs={
                "agreement_id": agreement.pk, "year": quarter.year, "quarter": quarter.number}))]
            if kind == ReportReminder.Kind.DUE:
                staff = staff if staff is not None else staff_emails()
                audiences.append((staff, reverse("reports:overdue")))
                subject = (f"Sales report for {quarter} under {agreement.number} "
                           f"{'is due today' if today == quarter.due else 'is overdue'}")
            else:
                subject = f"Sales report for {quarter} under {agreement.number} due {quarter.due:%Y-%m-%d}"
            body = (f"{agreement.vendor}: report your sales under {agreement.number} ({agreement.title}) for "
                    f"{quarter} ({quarter.start:%Y-%m-%d} to {quarter.end:%Y-%m-%d}) by {quarter.due:%Y-%m-%d}, "
                    f"in EdPool or with the API (a report of no sales too).")
            if _send_once(agreement, quarter, kind, audiences, subject, body):
                sent += 1
    return f"sales report reminders sent: {sent}"

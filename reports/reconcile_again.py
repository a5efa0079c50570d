"""Reconciling a sales report again, in the background: after members' orders changed (an order
placed, cancelled or corrected late), staff re-run the reconciliation of the report's current
version against the orders as they are now. The findings replace the version's items; a
resolution staff recorded is kept for a finding that is still the same (as when a report is
replaced). Refused once the quarter's fee is invoiced: the reconciliation is then final.

One run per report at a time: asking again while one is queued or running answers that job.
"""

from __future__ import annotations

from typing import Any, Optional

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.acting import Actor, require_staff
from audit.actions import AuditAction
from audit.services import audit_record
from core.locks import lock
from jobs.models import Job
from jobs.selectors import active_job
from jobs.services import job_enqueue
from reports.models import FeeInvoice, ReconciliationItem, SalesReport
from reports.services import reconcile_version

REPORT_RECONCILE_JOB = "reports.reconcile_again"
FIGURES = (("lines", "Reported lines", "number"), ("items", "Findings", "number"),
           ("open_before", "Items open before", "number"), ("open", "Items open now", "number"))


def reconcile_again_refusal(report: SalesReport) -> Optional[str]:
    """Why the report cannot be reconciled again now (for the page's button), or None."""
    invoice = FeeInvoice.objects.filter(report=report).first()
    if invoice is not None:
        return (f"The fee for {report.period} is invoiced ({invoice.number}): its reconciliation is "
                f"final and cannot be run again.")
    return None


def reconcile_again_job_of(report: SalesReport) -> Optional[Job]:
    """The reconciliation queued or running for the report, if any."""
    return active_job(kind=REPORT_RECONCILE_JOB, subject=report)


def _open(items) -> int:
    return sum(1 for item in items if item.state == ReconciliationItem.State.OPEN)


@transaction.atomic
def sales_report_reconcile_again(*, report: SalesReport, version: int, actor: Actor) -> dict[str, Any]:
    """Reconcile version `version` (the current one) of the report with the orders as they are
    now; returns the figures (lines, items, open before, open now)."""
    require_staff(actor, "reconcile sales reports again")
    report = lock(SalesReport.objects.all()).get(pk=report.pk)
    refusal = reconcile_again_refusal(report)
    if refusal:
        raise ValidationError({"report": refusal})
    if report.current_version != version:
        raise ValidationError({"report": f"Version {version} was replaced by version {report.current_version} "
                                         f"meanwhile; the new version was reconciled when it arrived."})
    current = report.current
    previous = list(lock(ReconciliationItem.objects.all()).filter(version=current).select_related("version"))
    lines = list(current.lines.all())
    before = {"items": len(previous), "open": _open(previous)}
    ReconciliationItem.objects.filter(pk__in=[item.pk for item in previous]).delete()
    counts = reconcile_version(report, current, lines, previous, timezone.now())
    figures = {"lines": len(lines), "items": sum(v for k, v in counts.items() if k != "open"),
               "open_before": before["open"], "open": counts["open"]}
    audit_record(actor=actor, action=AuditAction.SALES_REPORT_RECONCILED_AGAIN, obj=report,
                 before={"version": version, **before},
                 after={"version": version, "items": figures["items"], "reconciliation": counts})
    return figures


def report_reconcile_request(*, report: SalesReport, actor: Actor) -> Job:
    """Queue reconciling the report again (or answer the run already queued or running)."""
    require_staff(actor, "reconcile sales reports again")
    running = reconcile_again_job_of(report)
    if running is not None:
        return running
    refusal = reconcile_again_refusal(report)
    if refusal:
        raise ValidationError({"report": refusal})
    return job_enqueue(kind=REPORT_RECONCILE_JOB, actor=actor, subject=report,
                       params={"report_id": report.pk, "version": report.current_version})


def _summary(figures: dict[str, Any]) -> str:
    return (f"Reconciled again: {figures['items']:,} finding(s), {figures['open']:,} item(s) open "
            f"(before: {figures['open_before']:,}).")


def report_reconcile_job(ctx) -> None:
    report = SalesReport.objects.get(pk=ctx.params["report_id"])
    version = int(ctx.params["version"])
    lines = report.versions.get(number=version).line_count
    ctx.progress(f"Reconciling {lines:,} reported line(s) with the members' orders.", force=True, lines=lines)

    def apply() -> dict[str, Any]:
        figures = sales_report_reconcile_again(report=report, version=version, actor=ctx.actor)
        ctx.progress("Reconciled.", force=True, **figures)  # stored with the job's end
        return figures

    ctx.complete(apply=apply, summary=_summary,
                 result_url=reverse("reports:detail", kwargs={"report_id": report.pk}) + "#reconciliation")

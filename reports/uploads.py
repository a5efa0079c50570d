"""Large sales-report uploads as background jobs: a CSV above `SALES_REPORT_BACKGROUND_ROWS` lines
is stored, reconciled and its staff notice sent by `edpool worker`, the vendor following it on the
job's page; smaller files are handled at once, as before."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.acting import Actor
from contracts.models import MasterAgreement
from jobs.models import Job
from jobs.services import job_enqueue
from reports import services
from reports.models import SalesReportVersion
from reports.quarters import Quarter

SALES_REPORT_UPLOAD_JOB = "reports.sales_report_upload"


def background_rows() -> int:
    """Uploads with more lines than this run in the background."""
    return int(getattr(settings, "SALES_REPORT_BACKGROUND_ROWS", 2000))


def sales_report_upload_request(*, agreement: MasterAgreement, quarter: Quarter, text: str,
                                actor: Actor) -> Job:
    """Queue submitting the CSV `text` (already read and checked for its columns and characters)
    as the vendor's report of `quarter`; one upload per agreement at a time."""
    services.parse_report_csv(text=text, agreement=agreement)  # refuses a malformed file at once
    return job_enqueue(kind=SALES_REPORT_UPLOAD_JOB, actor=actor, subject=agreement,
                       params={"agreement_id": agreement.pk, "quarter": quarter.key, "csv": text},
                       bulky=("csv",))


def sales_report_upload_job(ctx) -> None:
    agreement = MasterAgreement.objects.get(pk=ctx.params["agreement_id"])
    quarter = Quarter.parse(ctx.params["quarter"])
    ctx.progress("Reading the file.", force=True)
    rows = services.parse_report_csv(text=ctx.params["csv"], agreement=agreement)
    ctx.progress(f"Storing and reconciling {len(rows):,} lines.", force=True, lines=len(rows))
    ctx.complete(apply=lambda: services.sales_report_submit(
        agreement=agreement, quarter=quarter, lines=rows, source=SalesReportVersion.Source.CSV,
        actor=ctx.actor), summary=f"Report for {quarter} uploaded ({len(rows):,} lines).",
        result_url=lambda report: reverse("reports:detail", kwargs={"report_id": report.pk}))

"""Reconciling a report again as a background job after orders changed: the findings follow the
orders as they are now, resolutions of unchanged findings are kept, one run at a time, refused
once the fee is invoiced and for anyone but staff."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from jobs.models import Job, JobState
from jobs.tests.helpers import run_queued_jobs
from orders.services import order_cancel
from reports.models import ReconciliationItem
from reports.reconcile_again import REPORT_RECONCILE_JOB, report_reconcile_request
from reports.services import fee_invoice_issue, reconciliation_item_resolve, sales_report_submit
from reports.tests.conftest import after, line, place
from tests.helpers import login

K = ReconciliationItem.Kind


def current_items(report):
    report.refresh_from_db()
    return {(i.kind, i.district.name, i.state) for i in report.items.filter(version__number=report.current_version)}


@pytest.fixture
def scene(cast, quarter, clock):
    """District A ordered and was reported; B ordered 5 devices the vendor did not report; the
    vendor reported 2 licences to B that nobody ordered (resolved by staff)."""
    place(cast, "a", [(cast.device, 10)])
    order_b = place(cast, "b", [(cast.device, 5)])
    after(clock, quarter)
    report = sales_report_submit(agreement=cast.agreement, quarter=quarter, actor=cast.actor(cast.vendor_user_a),
                                 lines=[line("Alpha Unified", cast.device.name, 10, "300.00"),
                                        line("Beta Unified", cast.licence.name, 2, "30.00")])
    stray = report.items.get(kind=K.REPORTED_NOT_ORDERED)
    reconciliation_item_resolve(item=stray, note="Free trial licences.", actor=cast.actor(cast.staff))
    return report, order_b


def test_staff_reconcile_again_after_an_order_is_cancelled(client, cast, scene):
    report, order_b = scene
    assert current_items(report) == {(K.MATCHED, "Alpha Unified", "resolved"),
                                     (K.ORDERED_NOT_REPORTED, "Beta Unified", "open"),
                                     (K.REPORTED_NOT_ORDERED, "Beta Unified", "resolved")}
    order_cancel(order=order_b, reason="Ordered twice by mistake", actor=cast.actor(cast.buyer_b))

    login(client, cast.staff)
    page = client.get(f"/sales-reports/{report.pk}/").content.decode()
    assert "Reconcile again with the orders" in page
    first = client.post(f"/sales-reports/{report.pk}/reconcile/")
    second = client.post(f"/sales-reports/{report.pk}/reconcile/")  # a double click
    job = Job.objects.get(kind=REPORT_RECONCILE_JOB)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/jobs/{job.pk}/"
    running = client.get(f"/sales-reports/{report.pk}/").content.decode()
    assert "follow its progress" in running and f"/jobs/{job.pk}/" in running

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.progress == {"lines": 2, "items": 2, "open_before": 1, "open": 0}
    # The cancelled order is no longer a finding; the resolution of the unchanged one is kept.
    assert current_items(report) == {(K.MATCHED, "Alpha Unified", "resolved"),
                                     (K.REPORTED_NOT_ORDERED, "Beta Unified", "resolved")}
    kept = report.items.get(kind=K.REPORTED_NOT_ORDERED)
    assert kept.resolution_note == "Free trial licences."
    assert kept.detail.endswith("Resolution kept from the earlier reconciliation of this version.")
    assert job.result_url == f"/sales-reports/{report.pk}/#reconciliation"
    status = client.get(f"/jobs/{job.pk}/").content.decode()
    for shown in ("Reconcile a sales report again", "Items open before", "Items open now", "2 finding(s), 0 item(s) open (before: 1)"):
        assert shown in status
    event = AuditEvent.objects.get(action=AuditAction.SALES_REPORT_RECONCILED_AGAIN)
    assert event.before["open"] == 1 and event.after["reconciliation"]["open"] == 0
    assert report.current_version == 1  # no new version: the same report, reconciled again

    # Pressing again after it ended starts a new run (orders may have changed again).
    client.post(f"/sales-reports/{report.pk}/reconcile/")
    assert Job.objects.filter(kind=REPORT_RECONCILE_JOB).count() == 2


def test_refused_once_invoiced(client, cast, scene):
    report, order_b = scene
    order_cancel(order=order_b, reason="Ordered twice by mistake", actor=cast.actor(cast.buyer_b))
    report_reconcile_request(report=report, actor=cast.actor(cast.staff))
    run_queued_jobs()
    fee_invoice_issue(report=report, actor=cast.actor(cast.staff))
    login(client, cast.staff)
    assert "its reconciliation is final" in client.get(f"/sales-reports/{report.pk}/").content.decode()
    answer = client.post(f"/sales-reports/{report.pk}/reconcile/", follow=True)
    assert "is invoiced" in answer.content.decode() and "its reconciliation is final" in answer.content.decode()
    assert Job.objects.filter(kind=REPORT_RECONCILE_JOB).count() == 1
    with pytest.raises(ValidationError):
        report_reconcile_request(report=report, actor=cast.actor(cast.staff))


def test_only_staff(client, cast, scene):
    report, _ = scene
    with pytest.raises(PermissionDenied):
        report_reconcile_request(report=report, actor=cast.actor(cast.vendor_user_a))
    login(client, cast.vendor_user_a)
    assert client.post(f"/sales-reports/{report.pk}/reconcile/").status_code == 403
    assert "Reconcile again" not in client.get(f"/sales-reports/{report.pk}/").content.decode()
    login(client, cast.staff)
    assert client.post("/sales-reports/999999/reconcile/").status_code == 404
    assert not Job.objects.exists()


def test_a_version_replaced_meanwhile_fails_the_run_clearly(cast, scene, quarter):
    report, _ = scene
    job = report_reconcile_request(report=report, actor=cast.actor(cast.staff))
    sales_report_submit(agreement=cast.agreement, quarter=quarter, actor=cast.actor(cast.vendor_user_a),
                        lines=[line("Alpha Unified", cast.device.name, 10, "300.00")])
    before = set(ReconciliationItem.objects.values_list("pk", flat=True))
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "replaced by version 2" in job.error
    assert set(ReconciliationItem.objects.values_list("pk", flat=True)) == before

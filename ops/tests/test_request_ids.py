"""One request id from the click to the audit trail and the background job (README "Operating
EdPool"): the response header, the audit event, the job and the worker's log lines."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from audit.services import audit_chain_verify, event_hash, event_payload
from core.requestid import request_id_bound
from jobs import services as job_services
from jobs.models import Job, WorkerHeartbeat
from tests.helpers import login
from tests.logcapture import json_logs

pytestmark = pytest.mark.django_db

RID = "nginx-req-000000000000abcd"


def test_an_audit_event_keeps_the_id_of_the_request_that_caused_it(client, cast):
    login(client, cast.buyer_a)
    assignment = cast.buyer_a.role_assignments.first()
    response = client.post("/account/tokens/", {"name": "finance system", "assignment": assignment.pk},
                           HTTP_X_REQUEST_ID=RID)
    assert response.status_code == 302 and response["X-Request-ID"] == RID
    event = AuditEvent.objects.filter(action="api_token.created").latest("seq")
    assert event.request_id == RID
    assert event_payload(event)["request_id"] == RID  # inside the hash
    assert audit_chain_verify().ok


def test_a_changed_request_id_breaks_the_chain_and_older_events_verify_as_before(cast):
    from audit.actions import AuditAction
    from audit.services import audit_record
    from tests.cast import SYSTEM

    outside = audit_record(actor=SYSTEM, action=AuditAction.USER_UPDATED, obj=cast.buyer_a)
    assert outside.request_id is None and "request_id" not in event_payload(outside)  # as before the field
    with request_id_bound(RID):
        inside = audit_record(actor=SYSTEM, action=AuditAction.USER_UPDATED, obj=cast.buyer_a)
    assert inside.request_id == RID and inside.hash == event_hash(inside)
    assert audit_chain_verify().ok
    AuditEvent.objects.filter(pk=inside.pk).update(request_id="forged-request-id")  # behind save()'s back
    report = audit_chain_verify()
    assert not report.ok and report.problem.seq == inside.seq


def test_a_job_carries_the_request_id_into_the_worker(cast):
    import jobs.tests.kinds  # noqa: F401 (registers the test kinds)
    from jobs.tests.helpers import run_queued_jobs
    from jobs.tests.kinds import CRASH, EFFECT

    with request_id_bound(RID):
        done = job_services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff))
        crashed = job_services.job_enqueue(kind=CRASH, params={}, actor=cast.actor(cast.staff))
    other = job_services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.buyer_a),
                                     subject=cast.buyer_a)
    assert done.request_id == crashed.request_id == RID and other.request_id == ""
    with json_logs() as lines:
        run_queued_jobs()  # outside the request's context: the id comes from the job
    events = {(e.object_id, e.action): e.request_id for e in AuditEvent.objects.filter(object_type="jobs.job")}
    assert events[(str(done.pk), "job.started")] == RID and events[(str(done.pk), "job.done")] == RID
    assert events[(str(crashed.pk), "job.failed")] == RID
    assert events[(str(other.pk), "job.started")] is None
    failed = [e for e in lines.events() if e["event"].startswith(f"Job {crashed.pk} ")]
    assert failed and failed[0]["request_id"] == RID and failed[0]["job_id"] == crashed.pk
    assert "exception" in failed[0]  # the traceback, as text
    assert audit_chain_verify().ok


def test_the_worker_keeps_a_heartbeat_and_removes_it_when_it_stops(cast, clock):
    from unittest import mock

    from jobs.tests.helpers import run_queued_jobs

    seen = []
    with mock.patch.object(job_services, "worker_stopped",
                           side_effect=lambda worker: seen.append(
                               list(WorkerHeartbeat.objects.values_list("worker", flat=True)))):
        run_queued_jobs()
    assert seen == [[job_services.worker_name()]]  # beat at start, still there until it stops
    job_services.worker_stopped(worker=job_services.worker_name())
    assert not WorkerHeartbeat.objects.exists()

    job_services.worker_heartbeat(worker="a:1")
    first = WorkerHeartbeat.objects.get().beat_at
    clock.advance(seconds=10)
    job_services.worker_heartbeat(worker="a:1")  # updates its row, no second one
    row = WorkerHeartbeat.objects.get()
    assert row.beat_at > first and row.started_at == first
    clock.advance(days=2)
    job_services.worker_heartbeat(worker="b:2")  # a worker silent for a day is forgotten
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["b:2"]
    assert Job.objects.count() == 0

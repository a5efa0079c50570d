"""/healthz, /readyz and /metrics (README "Operating EdPool")."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from unittest import mock

import pytest
from django.contrib.sessions.models import Session

from jobs import services as job_services
from jobs.models import WorkerHeartbeat
from ops import health
from tests.helpers import login

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def worker_alive():
    job_services.worker_heartbeat(worker="testhost:4242")


def _ready(client):
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


# --- /healthz -----------------------------------------------------------------------------------

def test_healthz_answers_without_the_database(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor",
                    side_effect=AssertionError("no database")):
        response = client.get("/healthz")
    assert response.status_code == 200 and json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and not response.cookies


def test_probes_take_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


# --- /readyz ------------------------------------------------------------------------------------

def test_ready_when_every_check_passes(client, worker_alive):
    status, body = _ready(client)
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok",
                                               "worker": "ok", "disk": "ok"}}


def test_not_ready_without_a_recent_worker_heartbeat(client, clock, worker_alive, settings):
    settings.EDPOOL_READY_WORKER_MAX_AGE_SECONDS = 90
    clock.advance(seconds=91)
    status, body = _ready(client)
    assert status == 503 and body["status"] == "failing" and body["checks"]["worker"] == "failing"
    assert body["checks"]["database"] == "ok"
    WorkerHeartbeat.objects.all().delete()
    assert _ready(client)[1]["checks"]["worker"] == "failing"
    settings.EDPOOL_READY_WORKER_MAX_AGE_SECONDS = 0  # a deployment without workers: check left out
    status, body = _ready(client)
    assert status == 200 and "worker" not in body["checks"]


def test_a_broken_cache_fails_readiness_without_saying_why(client, settings, worker_alive):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["cache"] == "failing" and body["checks"]["database"] == "ok"
    text = response.content.decode().lower()
    for leak in ("redis", "127.0.0.1", "connection", "error", "refused"):
        assert leak not in text


def test_a_failing_database_and_an_unexpected_error_reveal_nothing(client, worker_alive):
    from health_check.exceptions import ServiceUnavailable

    secret = "could not connect to server db-7.internal.example (10.1.2.3) as edpool_owner"
    with mock.patch("health_check.checks.Database.run", side_effect=ServiceUnavailable(secret)), \
            mock.patch.object(health.DiskSpace, "run", side_effect=RuntimeError("/srv/edpool/var missing")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"] == "failing" and body["checks"]["disk"] == "failing"
    assert body["checks"]["cache"] == "ok"
    text = response.content.decode()
    assert "db-7" not in text and "10.1.2.3" not in text and "/srv" not in text
    assert set(json.loads(text)) == {"status", "checks"}  # no versions, hosts, timings


def test_unapplied_migrations_and_low_disk_fail(client, settings, worker_alive, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan",
                    return_value=[("a migration", False)]):
        assert _ready(client)[1]["checks"]["migrations"] == "failing"
    assert _ready(client)[1]["checks"]["migrations"] == "ok"
    settings.EDPOOL_READY_MIN_FREE_MB = 10 ** 12  # an exabyte
    status, body = _ready(client)
    assert status == 503 and body["checks"]["disk"] == "failing"


def test_probes_need_no_sign_in_and_write_no_session(client, cast, worker_alive):
    sessions = Session.objects.count()
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 200 and not response.cookies
    assert Session.objects.count() == sessions
    login(client, cast.buyer_a)  # a signed-in person gets the same, and their session is untouched
    before = Session.objects.get().session_data
    response = client.get("/readyz")
    assert response.status_code == 200 and "sessionid" not in response.cookies
    assert Session.objects.get().session_data == before


def test_probes_are_not_rate_limited(client, worker_alive):
    for _ in range(30):
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


# --- /metrics -----------------------------------------------------------------------------------

def _metrics(client, token=None, scheme="Bearer"):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


def test_no_token_configured_no_metrics(client, settings, cast):
    settings.EDPOOL_METRICS_TOKEN = ""
    assert _metrics(client).status_code == 404
    assert _metrics(client, "").status_code == 404
    assert _metrics(client, "anything").status_code == 404


def test_a_wrong_or_missing_token_is_refused_in_constant_time(client, settings):
    settings.EDPOOL_METRICS_TOKEN = TOKEN
    assert _metrics(client).status_code == 401
    assert _metrics(client, "").status_code == 401
    assert _metrics(client, TOKEN[:-1]).status_code == 401
    assert _metrics(client, TOKEN + "x").status_code == 401
    assert _metrics(client, TOKEN, scheme="Basic").status_code == 401
    with mock.patch("ops.views.hmac.compare_digest", wraps=hmac.compare_digest) as compared:
        refused = _metrics(client, "wrong")
    assert refused.status_code == 401 and compared.called
    assert refused["WWW-Authenticate"].startswith("Bearer") and TOKEN not in refused.content.decode()
    response = _metrics(client, TOKEN)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert not response.cookies


def test_request_latencies_are_labelled_by_route_name_never_by_path(client, settings, cast):
    settings.EDPOOL_METRICS_TOKEN = TOKEN
    client.get("/healthz")
    client.get("/jobs/987654/")  # a page with an id in its path
    client.get("/no/such/page/555444/")
    client.get("/api/v1/jobs/876543", HTTP_AUTHORIZATION="Bearer nope")
    text = _metrics(client, TOKEN).content.decode()
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}' in text
    assert 'view="jobs:status"' in text
    # The ids must not appear in any label (sample values are floats such as timestamps, whose
    # digits may contain any six-digit run by chance, so only the labels are searched).
    labels = "\n".join(re.findall(r"\{([^}]*)\}", text))
    assert labels
    for number in ("987654", "555444", "876543"):
        assert number not in labels
    views = set(re.findall(r'view="([^"]*)"', text))
    assert views and not [v for v in views if "/" in v or re.search(r"\d{3,}", v)], views


def test_business_figures_from_the_database(client, settings, cast, open_solicitation, clock):
    from sourcing.services.bids import bid_submit
    from tests.helpers import bid_data

    settings.EDPOOL_METRICS_TOKEN = TOKEN
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="289.00", price2="20.00"),
               actor=cast.actor(cast.vendor_user_a))
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="299.00", price2="15.00"),
               actor=cast.actor(cast.vendor_user_b))
    text = _metrics(client, TOKEN).content.decode()
    assert f'edpool_bids_received_last_hour{{solicitation="{open_solicitation.number}"}} 2.0' in text
    # Counts, never prices (only EdPool's own figures: request latencies are random numbers).
    ours = "\n".join(line for line in text.splitlines() if line.startswith("edpool_"))
    assert ours and "289" not in ours and "299" not in ours
    assert re.search(r"^edpool_orders_placed_total 0\.0$", text, re.M)
    assert 'edpool_task_queue_depth{queue="default",status="ready"} 0.0' in text
    assert 'edpool_award_engine_runs_total{outcome="done"} 0.0' in text
    clock.advance(hours=1, seconds=1)
    text = _metrics(client, TOKEN).content.decode()
    assert "edpool_bids_received_last_hour{" not in text


def test_queue_depth_and_award_runs_count_jobs(client, settings, cast):
    import jobs.tests.kinds  # noqa: F401 (registers the test kinds)
    from jobs.tests.kinds import EFFECT

    settings.EDPOOL_METRICS_TOKEN = TOKEN
    job_services.job_enqueue(kind=EFFECT, params={}, actor=cast.actor(cast.staff))
    text = _metrics(client, TOKEN).content.decode()
    assert 'edpool_task_queue_depth{queue="default",status="ready"} 1.0' in text
    with mock.patch("sourcing.selectors.solicitations.award_engine_runs",
                    return_value={"queued": 0, "running": 1, "done": 3, "failed": 1, "cancelled": 0}), \
            mock.patch("ops.metrics.award_engine_runs",
                       return_value={"queued": 0, "running": 1, "done": 3, "failed": 1, "cancelled": 0}):
        text = _metrics(client, TOKEN).content.decode()
    assert 'edpool_award_engine_runs_total{outcome="done"} 3.0' in text
    assert 'edpool_award_engine_runs_active{state="running"} 1.0' in text


def test_award_engine_runs_are_the_award_plan_jobs(db):
    from jobs.models import Job
    from sourcing.selectors import award_engine_runs
    from sourcing.services.awards import AWARD_PLAN_JOB

    Job.objects.create(kind=AWARD_PLAN_JOB, state="done", subject_id="1")
    Job.objects.create(kind=AWARD_PLAN_JOB, state="failed", subject_id="2")
    Job.objects.create(kind="something.else", state="done", subject_id="3")
    runs = award_engine_runs()
    assert runs["done"] == 1 and runs["failed"] == 1 and runs["running"] == 0


def test_metrics_need_no_sign_in_and_ignore_one(client, settings, cast):
    settings.EDPOOL_METRICS_TOKEN = TOKEN
    login(client, cast.staff)  # being staff is not the token
    assert _metrics(client).status_code == 401
    assert dt  # (datetime imported for the clock's arithmetic in other tests)



MULTIPROCESS = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edpool.settings")
django.setup()
from unittest import mock
from django.test import Client
from ops import metrics
Client().get("/healthz")
child = os.fork()  # a second gunicorn worker, forked from the first as gunicorn does
if child == 0:
    Client().get("/healthz")
    os._exit(0)
os.waitpid(child, 0)
with mock.patch.object(metrics.BusinessCollector, "collect", return_value=iter(())):
    sys.stdout.write(metrics.exposition().decode())
"""


def test_multiprocess_mode_adds_up_the_workers_of_a_server(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR, the requests of two worker processes are counted together."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "EDPOOL_ENV_FILE": "",
           "DEBUG": "true", "EDPOOL_VAR_DIR": str(tmp_path / "var")}
    text = subprocess.run([sys.executable, "-c", MULTIPROCESS], env=env, check=True,
                          capture_output=True, text=True).stdout
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"} 2.0' in text


def test_probes_answer_other_methods_with_405(client, settings):
    settings.EDPOOL_METRICS_TOKEN = TOKEN
    for url in ("/healthz", "/readyz", "/metrics"):
        response = client.post(url)
        assert response.status_code == 405 and "GET" in response["Allow"], url

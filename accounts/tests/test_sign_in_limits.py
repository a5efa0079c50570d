"""Sign-in limits (issue 11): counted across processes, per email *and* client address (a
stranger cannot lock the owner out), cleared by a password reset, the API counted the same way;
password-reset requests limited without revealing which addresses have accounts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from tests.cast import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HOME, STRANGER, ELSEWHERE = "10.0.0.1", "203.0.113.7", "198.51.100.20"


def login(client, email, password=PASSWORD, ip=HOME):
    return client.post("/account/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(response) -> bool:
    return response.status_code == 302


def api_token(client, email, password=PASSWORD, ip=HOME):
    return client.post("/api/v1/auth/token", {"email": email, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


def reset_password(client, email, new_password, ip=ELSEWHERE):
    mail.outbox.clear()
    assert client.post("/account/password/reset/", {"email": email}, REMOTE_ADDR=ip).status_code == 302
    link = re.search(r"http://testserver(/account/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, REMOTE_ADDR=ip).url
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password},
                           REMOTE_ADDR=ip)
    assert response.status_code == 302, response.content.decode()[:2000]


# --- Per email and address --------------------------------------------------------------------


def test_a_stranger_cannot_lock_the_owner_out(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert not signed_in(login(client, "buyer-a@example.org", "wrong-password-x", ip=STRANGER))
    refused = login(client, "buyer-a@example.org", ip=STRANGER)  # even the right password
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner, from their own address, signs in.
    assert signed_in(login(client, "buyer-a@example.org", ip=HOME))


def test_many_failures_from_one_address_block_that_address(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_IP_FAILURE_LIMIT = 3, 4
    for email in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        login(client, email, "wrong-password-x", ip=STRANGER)
    assert "Too many" in login(client, "staff@example.org", ip=STRANGER).content.decode()
    assert signed_in(login(client, "staff@example.org", ip=HOME))


def test_successful_sign_ins_do_not_use_up_the_address_limit(client, cast, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 2
    for _ in range(4):  # a whole school signing in through one address
        assert signed_in(login(client, "buyer-a@example.org", ip=HOME))
        client.post("/account/logout/")


def test_a_password_reset_lifts_the_lock(client, cast, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_FAILURE_LIMIT = 2
    for ip in (HOME, STRANGER):
        for _ in range(2):
            login(client, "buyer-a@example.org", "wrong-password-x", ip=ip)
    assert not signed_in(login(client, "buyer-a@example.org", ip=HOME))
    with django_capture_on_commit_callbacks(execute=True):
        reset_password(client, "buyer-a@example.org", "brand-new-secret-77")
    assert signed_in(login(client, "buyer-a@example.org", "brand-new-secret-77", ip=HOME))
    client.post("/account/logout/")
    assert signed_in(login(client, "buyer-a@example.org", "brand-new-secret-77", ip=STRANGER))


def test_the_token_endpoint_is_limited_the_same_way(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        assert api_token(client, "staff@example.org", "bad", ip=STRANGER).status_code == 403
    refused = api_token(client, "staff@example.org", ip=STRANGER)
    assert refused.status_code == 429 and "Too many" in refused.json()["detail"]
    # The page and the API share the count.
    assert "Too many" in login(client, "staff@example.org", ip=STRANGER).content.decode()
    assert api_token(client, "staff@example.org", ip=HOME).status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, cast, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.TRUSTED_PROXY_COUNT = 2, 1
    proxy = "127.0.0.1"
    for _ in range(2):  # the stranger also forges a header: only the proxy's last entry counts
        client.post("/account/login/", {"username": "buyer-a@example.org", "password": "wrong-pass-x"},
                    REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {STRANGER}")
    blocked = client.post("/account/login/", {"username": "buyer-a@example.org", "password": PASSWORD},
                          REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    assert "Too many" in blocked.content.decode()
    ok = client.post("/account/login/", {"username": "buyer-a@example.org", "password": PASSWORD},
                     REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert signed_in(ok)


# --- Across processes -------------------------------------------------------------------------

WORKER = r"""
import sys, time
import django
django.setup()
from django.core.management import call_command
from accounts.ratelimit import login_attempt
if sys.argv[1] == "setup":
    call_command("createcachetable")
    sys.exit(0)
start, one_email, many_emails = float(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
while time.time() < start:
    time.sleep(0.005)
# 10 attempts for one email from one address, 10 for different emails from another address.
print(sum(login_attempt(email=one_email, ip="10.1.0.1") for _ in range(10)),
      sum(login_attempt(email=email, ip="10.1.0.2") for email in many_emails))
"""


def _worker_env(tmp_path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "edpool.settings", "PYTHONPATH": str(ROOT),
           "LOGIN_FAILURE_LIMIT": "5", "LOGIN_IP_FAILURE_LIMIT": "15"}
    db = connection.settings_dict
    if connection.vendor == "postgresql":  # the test database, which has the cache table
        env["DATABASE_URL"] = "postgres://{}:{}@{}:{}/{}".format(
            db["USER"] or "", db["PASSWORD"] or "", db["HOST"] or "localhost", db["PORT"] or 5432, db["NAME"])
    else:  # the test database lives in memory: the workers share a file of their own
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        subprocess.run([sys.executable, "-c", WORKER, "setup"], env=env, check=True, cwd=ROOT)
    return env


def _run_workers(env, one_email: str, many_emails: list[str]) -> list[tuple[int, int]]:
    start = time.time() + 1.0  # both start counting at the same moment
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(start), one_email, ",".join(emails)],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for emails in (many_emails[:10], many_emails[10:])]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(tuple(int(n) for n in out.split()))
    return results


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_the_limits(tmp_path):
    """Two server processes on the default set-up (no Redis: the database cache; with REDIS_URL,
    Redis), attempting at the same moment: the limits are the limits, not one per process."""
    env = _worker_env(tmp_path)
    one_email = f"{uuid.uuid4().hex}@example.org"
    many_emails = [f"{uuid.uuid4().hex}@example.org" for _ in range(20)]
    (one_a, many_a), (one_b, many_b) = _run_workers(env, one_email, many_emails)
    # One email from one address: 2 x 10 attempts, LOGIN_FAILURE_LIMIT (5) allowed in all.
    assert one_a + one_b == 5
    # 20 emails from one address: LOGIN_IP_FAILURE_LIMIT (15) allowed in all (no count is lost).
    assert many_a + many_b == 15


# --- Password-reset requests ------------------------------------------------------------------


def test_password_reset_requests_are_limited_per_email(client, cast, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    for email in ("buyer-a@example.org", "nobody@example.org"):
        mail.outbox.clear()
        for _ in range(2):
            assert client.post("/account/password/reset/", {"email": email}).status_code == 302
        refused = client.post("/account/password/reset/", {"email": email})
        page = refused.content.decode()
        assert refused.status_code == 200 and "Too many password-reset requests" in page
        assert "every link we sent still works" in page
        assert len(mail.outbox) == (2 if email == "buyer-a@example.org" else 0)
    # The same answer for an address with an account and one without: nothing is revealed.
    assert client.post("/account/password/reset/", {"email": "staff@example.org"}).status_code == 302


def test_password_reset_requests_are_limited_per_address(client, cast, settings):
    settings.PASSWORD_RESET_IP_LIMIT = 3
    for n in range(3):
        assert client.post("/account/password/reset/", {"email": f"x{n}@example.org"},
                           REMOTE_ADDR=STRANGER).status_code == 302
    refused = client.post("/account/password/reset/", {"email": "buyer-a@example.org"}, REMOTE_ADDR=STRANGER)
    assert "Too many password-reset requests" in refused.content.decode()
    assert client.post("/account/password/reset/", {"email": "buyer-a@example.org"},
                       REMOTE_ADDR=HOME).status_code == 302

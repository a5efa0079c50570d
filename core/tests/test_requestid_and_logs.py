"""Request ids (core.requestid) and what the logs may show (core.logs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from core.logs import REDACTED, redact_secrets, redact_text
from core.requestid import current_request_id, request_id_bound, sane_request_id
from tests.logcapture import json_logs

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("value, kept", [
    ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
    ("7c9e6679-7425-40de-944b-e07fc1f90ae7", True),
    ("lb-1:req.42_x", True),
    ("short", False), ("x" * 65, False), ("has space in it", False), ("line\nbreak-123", False),
    ("nul\x00-in-the-id", False), ("<script>alert(1)</script>", False), ("", False), (None, False),
    ("ünïcödé-id-123", False),
])
def test_only_a_sane_incoming_id_is_kept(client, db, value, kept):
    headers = {"HTTP_X_REQUEST_ID": value} if value is not None else {}
    answered = client.get("/healthz", **headers)["X-Request-ID"]
    assert (answered == value) if kept else HEX32.fullmatch(answered)


def test_every_request_gets_its_own_id(client, db):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(HEX32.fullmatch(i) for i in ids)
    assert current_request_id() is None  # nothing left bound after a request


def test_request_id_bound_binds_only_a_sane_id():
    with request_id_bound("job-request-0001", job_id=7):
        assert current_request_id() == "job-request-0001"
    assert current_request_id() is None
    with request_id_bound("bad id"):
        assert current_request_id() is None
    assert sane_request_id(123) is None


def test_each_request_logs_one_json_line_with_its_id(client, db, cast):
    with json_logs() as lines:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0000000000000001")
        client.get("/no/such/page/")
    events = lines.events()
    finished = [e for e in events if e["event"] == "request_finished"]
    assert finished[0]["request_id"] == "nginx-0000000000000001" == response["X-Request-ID"]
    assert finished[0]["code"] == 200 and finished[0]["request"] == "GET /healthz"
    assert {"timestamp", "level", "logger"} <= set(finished[0])
    not_found = [e for e in events if e["event"].startswith("Not Found")]  # Django's own line
    assert not_found and not_found[0]["request_id"] == finished[1]["request_id"] != finished[0]["request_id"]
    assert not [e for e in events if e["event"] == "request_started"]  # one INFO line per request


def test_no_tokens_or_passwords_in_the_logs(client, db, cast):
    reset = reverse("accounts:password-reset-confirm", kwargs={"uidb64": "MQ", "token": "c4x-resettoken9"})
    verify = reverse("vendors:verify", kwargs={"token": "verifytoken77"})
    with json_logs() as lines:
        client.get(reset + "?next=/&token=querytoken55")
        client.get(verify)
        client.post(reverse("accounts:login"), {"username": cast.buyer_a.email, "password": "Hunter2-password!"})
        client.get("/api/v1/jobs/1", HTTP_AUTHORIZATION="Bearer edp_apitoken_secret99")
    text = lines.getvalue()
    assert "request_finished" in text and REDACTED in text
    for secret in ("c4x-resettoken9", "verifytoken77", "querytoken55", "Hunter2-password!",
                   "edp_apitoken_secret99"):
        assert secret not in text


def test_redaction_of_fields_and_text():
    event = {"event": "login failed for Bearer abc.def", "password": "p", "api_token": "t",
             "nested": {"sealed": "ciphertext", "ok": "/account/password/reset/MQ/tok-1/"},
             "items": ["?key=k1&x=1"], "request_id": "keep-this-id-1"}
    out = redact_secrets(None, "info", dict(event))
    assert out["password"] == out["api_token"] == out["nested"]["sealed"] == REDACTED
    assert out["event"] == f"login failed for Bearer {REDACTED}"
    assert out["nested"]["ok"] == f"/account/password/reset/MQ/{REDACTED}/"
    assert out["items"] == [f"?key={REDACTED}&x=1"] and out["request_id"] == "keep-this-id-1"
    assert redact_text("/vendors/verify/abc/") == f"/vendors/verify/{REDACTED}/"


def test_json_in_production_or_when_asked_console_in_development():
    script = (
        "import importlib, os, sys\n"
        "import edpool.settings as s\n"
        "for debug, fmt in (('true', ''), ('false', ''), ('true', 'json'), ('false', 'console')):\n"
        "    os.environ.update(DEBUG=debug, EDPOOL_LOG_FORMAT=fmt)\n"
        "    importlib.reload(s)\n"
        "    print(s.EDPOOL_LOG_FORMAT, type(s.LOGGING['formatters']['structured']['processors'][-1]).__name__)\n"
    )
    env = {**os.environ, "EDPOOL_ENV_FILE": "", "SECRET_KEY": "x" * 50}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:4] == ["console ConsoleRenderer", "json JSONRenderer", "json JSONRenderer",
                       "console ConsoleRenderer"]

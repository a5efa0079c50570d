"""Two application servers behind nginx act as one (issue 18): the loopback cluster (ops/loopback.py)
is started on the test's own database, nginx rendered from deploy/nginx/edpool.conf with TLS, and
requests are pinned to one server or the other through an nginx instance in front of each.

Shown across servers A and B: a sign-in form from B posted to A (CSRF), the session made on A used
on B, sign-in failures counted on A refusing the right password on B, a document uploaded through
A downloaded through B. Sealed bids judged by nginx's receipt time (X-Request-Start), which a
client can neither forge through nginx nor send straight to a server. And the front door itself:
balancing over both, HTTP to HTTPS, static files from nginx, no /media/ from disk, a request id on
every answer, and no failed request while one server is down.

Runs on SQLite (the servers use a file copy of the test database) and on PostgreSQL (the test
database itself). Needs Debian's nginx: skipped with the reason elsewhere, failing under CI=true.
It starts five processes and takes 10-20 s: one test, the whole story.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import signal
import sqlite3
import ssl
import time
import urllib.parse

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from conftest import require_or_skip
from ops.loopback import LoopbackCluster, nginx_binary
from tests.cast import PASSWORD
from tests.helpers import bid_data, content, token

requests = pytest.importorskip("requests")

PDF = b"%PDF-1.4\n% EdPool cluster test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _database_url(tmp_path) -> str:
    """A URL the servers can open holding what the test committed: the PostgreSQL test database
    itself, or a file copy of SQLite's in-memory test database."""
    if connection.vendor == "postgresql":
        p = connection.settings_dict
        password = f":{p['PASSWORD']}" if p.get("PASSWORD") else ""
        return f"postgres://{p['USER']}{password}@{p.get('HOST') or '127.0.0.1'}:{p.get('PORT') or 5432}/{p['NAME']}"
    connection.ensure_connection()
    target = tmp_path / "cluster.sqlite3"
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return f"sqlite:///{target}"


def _redis_url() -> str | None:
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if "redis" in cache["BACKEND"].lower() else None


def _cheap_password(user) -> None:
    """The test suite hashes with MD5 (fast); the servers accept only real hashers. PBKDF2 with few
    rounds keeps it quick (a server upgrades the hash at the first sign-in)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


def _csrf(session, page) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def _browser(cluster):
    """A client trusting the cluster's certificate, ignoring the environment's proxies and CA bundle."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(cluster.ca_file)
    return session


def _sign_in(session, *, form_from, post_to, email, password):
    page = session.get(form_from.url + "/account/login/")
    assert page.status_code == 200
    return session.post(post_to.url + "/account/login/", allow_redirects=False,
                        data={"username": email, "password": password, "csrfmiddlewaretoken": _csrf(session, page)},
                        headers={"Referer": post_to.url + "/account/login/"})


def _published(cast, category, *, deadline: dt.datetime | None = None):
    """A published solicitation; its bid deadline moved to `deadline` (possibly past) if given."""
    from sourcing.models import Solicitation
    from sourcing.services.solicitations import solicitation_create, solicitation_publish

    now = dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)
    s = solicitation_create(content=content(category), questions_deadline=now + dt.timedelta(days=5),
                            bid_deadline=now + dt.timedelta(days=10), actor=cast.actor(cast.staff))
    s = solicitation_publish(solicitation=s, actor=cast.actor(cast.staff))
    if deadline is not None:
        Solicitation.objects.filter(pk=s.pk).update(questions_deadline=deadline - dt.timedelta(seconds=1),
                                                    bid_deadline=deadline)
    return s


def _put_bid(url, solicitation_id, bearer, *, ca_file=None, request_start=None, source=None):
    """PUT a bid over HTTP(S) with http.client, from loopback address `source` if given; returns
    (status, parsed JSON)."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Authorization": bearer, "Content-Type": "application/json",
               # Straight to gunicorn there is no nginx to say the client used HTTPS.
               "X-Forwarded-Proto": "https"}
    if request_start is not None:
        headers["X-Request-Start"] = request_start
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                           context=ssl.create_default_context(cafile=str(ca_file)))
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                          source_address=(source, 0) if source else None)
    try:
        conn.request("PUT", f"/api/v1/solicitations/{solicitation_id}/bid", body=json.dumps(bid_data()),
                     headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def _received_clocks(database_url: str) -> list[str]:
    """The clock each bid arrival in the audit trail was judged by, oldest first (read from the
    servers' database: the SQLite copy is another file)."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            rows = db.execute("SELECT after FROM audit_auditevent WHERE action IN ('bid.submitted', 'bid.replaced') "
                              "ORDER BY id").fetchall()
        return [json.loads(after)["received_clock"] for (after,) in rows]
    from audit.models import AuditEvent

    return [e.after["received_clock"] for e in
            AuditEvent.objects.filter(action__in=("bid.submitted", "bid.replaced")).order_by("id")]


@pytest.mark.django_db(transaction=True)
def test_two_servers_behind_nginx_act_as_one(cast, draft, category, tmp_path):
    require_or_skip(nginx_binary() is not None, "nginx (Debian: apt-get install -y nginx; .ci/run installs it)")
    _cheap_password(cast.staff)
    _cheap_password(cast.buyer_a)
    # Sealed bids through the edge: one solicitation open, one whose deadline has just passed (its
    # bids open an hour later; the servers believe nginx's time up to an hour back, so however long
    # the cluster takes to start, only the header decides).
    vendor_a, vendor_b = (token(u)["HTTP_AUTHORIZATION"] for u in (cast.vendor_user_a, cast.vendor_user_b))
    still_open = _published(cast, category)
    deadline = dt.datetime.fromtimestamp(int(time.time()), dt.timezone.utc)  # a whole second
    closed = _published(cast, category, deadline=deadline)
    database_url = _database_url(tmp_path)
    with LoopbackCluster(database_url=database_url, redis_url=_redis_url(),
                         env={"LOGIN_FAILURE_LIMIT": "2", "BID_OPENING_DELAY_SECONDS": "3600",
                              "EDPOOL_EDGE_MAX_AGE_SECONDS": "3600"}) as cluster:
        # nginx stamps when it had the whole request, replacing a client's own header: the bid
        # on the open solicitation is received at nginx's time (to the millisecond, judged "edge").
        sent = time.time()
        status, receipt = _put_bid(cluster.url, still_open.pk, vendor_a, ca_file=cluster.ca_file,
                                   request_start=f"t={sent - 600:.3f}")
        assert status == 200, receipt
        received = dt.datetime.fromisoformat(receipt["received_at"])
        assert sent - 1 < received.timestamp() <= time.time() and received.microsecond % 1000 == 0
        assert _received_clocks(database_url) == ["edge"]
        # The same forgery on the closed solicitation: through nginx, late (nginx's own time).
        early = f"t={deadline.timestamp() - 1:.3f}"
        status, refusal = _put_bid(cluster.url, closed.pk, vendor_b, ca_file=cluster.ca_file, request_start=early)
        assert status == 422 and "deadline" in refusal["detail"]
        # Straight to an application server from an address that is not nginx's: ignored, late.
        server = f"http://{cluster.app_servers[0].address}"
        status, refusal = _put_bid(server, closed.pk, vendor_b, request_start=early, source="127.0.0.2")
        assert status == 422 and "deadline" in refusal["detail"]
        # Only from nginx's address (127.0.0.1, EDPOOL_EDGE_PROXIES) does the header count.
        status, receipt = _put_bid(server, closed.pk, vendor_b, request_start=early, source="127.0.0.1")
        assert status == 200, receipt
        assert receipt["received_at"] == (deadline - dt.timedelta(seconds=1)).isoformat(timespec="microseconds")
        assert _received_clocks(database_url) == ["edge", "edge"]

        a, b = cluster.pinned
        staff = _browser(cluster)

        # CSRF and the session: the form comes from B, the sign-in goes to A, the session works on B.
        signed_in = _sign_in(staff, form_from=b, post_to=a, email=cast.staff.email, password=PASSWORD)
        assert signed_in.status_code == 302, signed_in.text[:2000]
        assert all(cookie.secure for cookie in staff.cookies), "behind HTTPS every cookie is Secure"
        manage = staff.get(f"{b.url}/solicitations/{draft.pk}/manage/", allow_redirects=False)
        assert manage.status_code == 200 and "Sign out" in manage.text and draft.number in manage.text
        anonymous = _browser(cluster).get(f"{b.url}/solicitations/{draft.pk}/manage/", allow_redirects=False)
        assert anonymous.status_code == 302 and "/account/login/" in anonymous.headers["Location"]

        # A document uploaded through A is downloaded through B (one shared media storage).
        form = staff.get(f"{a.url}/solicitations/{draft.pk}/manage/")
        added = staff.post(f"{a.url}/solicitations/{draft.pk}/documents/add/", allow_redirects=False,
                           data={"title": "Technical specification", "csrfmiddlewaretoken": _csrf(staff, form)},
                           files={"file": ("spec.pdf", PDF, "application/pdf")},
                           headers={"Referer": f"{a.url}/solicitations/{draft.pk}/manage/"})
        assert added.status_code == 302, added.text[:2000]
        listed = staff.get(f"{b.url}/solicitations/{draft.pk}/manage/")
        document_ids = re.findall(rf"/solicitations/{draft.pk}/documents/(\d+)/", listed.text)
        assert document_ids, "the document uploaded through A is listed by B"
        download = staff.get(f"{b.url}/solicitations/{draft.pk}/documents/{document_ids[0]}/")
        assert download.status_code == 200 and download.content == PDF
        assert [p.read_bytes() for p in cluster.media_root.rglob("*") if p.is_file()] == [PDF]

        # A sign-in limit counted on A is enforced on B: two failures through A (the limit), then
        # even the right password through B is refused for this address and email.
        guesser = _browser(cluster)
        for _ in range(2):
            wrong = _sign_in(guesser, form_from=a, post_to=a, email=cast.buyer_a.email, password="not-the-password")
            assert wrong.status_code == 200 and "Too many failed sign-in attempts" not in wrong.text
        refused = _sign_in(guesser, form_from=b, post_to=b, email=cast.buyer_a.email, password=PASSWORD)
        assert refused.status_code == 200 and "Too many failed sign-in attempts" in refused.text
        assert "sessionid" not in guesser.cookies

        # The front door: nginx balances over both servers, each answer carries a request id,
        # static files come from nginx itself, /media/ never from disk, HTTP goes to HTTPS.
        before = [s.access_log.stat().st_size for s in cluster.app_servers]
        answers = [staff.get(f"{cluster.url}/solicitations/{draft.pk}/manage/") for _ in range(4)]
        assert all(r.status_code == 200 for r in answers)
        assert len({r.headers["X-Request-ID"] for r in answers}) == 4
        after = [s.access_log.stat().st_size for s in cluster.app_servers]
        assert all(n > m for n, m in zip(after, before)), "both servers took requests through the front"
        css = _browser(cluster).get(f"{cluster.url}/static/edpool/site.css")
        assert css.status_code == 200 and "max-age=604800" in css.headers["Cache-Control"]
        media = _browser(cluster).get(f"{cluster.url}/media/x.pdf", allow_redirects=False)
        assert media.status_code == 404
        plain = _browser(cluster).get(f"{cluster.front.http_url}/account/login/", allow_redirects=False)
        assert plain.status_code == 301 and plain.headers["Location"] == "https://127.0.0.1/account/login/"

        # One server down (a rolling restart): nginx sends every request to the other, none fails.
        down = cluster.app_servers[1].process.popen
        os.killpg(down.pid, signal.SIGKILL)
        down.wait(10)
        answers = [staff.get(f"{cluster.url}/solicitations/{draft.pk}/manage/") for _ in range(4)]
        assert [r.status_code for r in answers] == [200] * 4

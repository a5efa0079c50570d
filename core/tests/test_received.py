"""A request is received when all of it has arrived: a body still being sent is waited for."""

from __future__ import annotations

import datetime as dt
import io

from django.test import RequestFactory

from core.received import ReceivedAtMiddleware


class SlowBody(io.BytesIO):
    """A body whose last bytes arrive only later (the client dribbles it)."""

    def __init__(self, data: bytes, clock, later):
        super().__init__(data)
        self.clock, self.later = clock, later

    def read(self, *args):
        self.clock.set(self.later)
        return super().read(*args)


def test_the_stamp_waits_for_the_whole_body(clock):
    start = clock.now()
    later = start + dt.timedelta(seconds=20)
    body = b'{"lines": []}'
    request = RequestFactory().generic("PUT", "/api/v1/solicitations/1/bid", body, content_type="application/json")
    request.META["wsgi.input"] = SlowBody(body, clock, later)
    request._stream = None
    from django.core.handlers.wsgi import LimitedStream

    request._stream = LimitedStream(request.META["wsgi.input"], len(body))
    seen = {}
    ReceivedAtMiddleware(lambda r: seen.setdefault("at", r.received_at))(request)
    assert seen["at"] == later


def test_a_request_without_a_body_is_stamped_on_arrival(clock):
    request = RequestFactory().delete("/api/v1/solicitations/1/bid")
    seen = {}
    ReceivedAtMiddleware(lambda r: seen.setdefault("at", r.received_at))(request)
    assert seen["at"] == clock.now()


# --- The edge's clock: X-Request-Start from a trusted proxy (EDPOOL_EDGE_PROXIES) ------------------

import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from core.received import EDGE, SERVER, parse_edge_time, received  # noqa: E402

NGINX = "10.0.0.10"


def _header(moment: dt.datetime) -> str:
    """What nginx's `t=${msec}` sends for `moment`."""
    return f"t={moment.timestamp():.3f}"


def _meta(moment_or_value, remote=NGINX) -> dict:
    value = moment_or_value if isinstance(moment_or_value, str) else _header(moment_or_value)
    return {"REMOTE_ADDR": remote, "HTTP_X_REQUEST_START": value}


@pytest.fixture
def edge(settings, clock):
    """Trusted proxies, and the clock on a whole millisecond (nginx's resolution)."""
    clock.set(clock.now().replace(microsecond=500000))
    settings.EDPOOL_EDGE_PROXIES = [NGINX, "192.0.2.0/29", "2001:db8::/64"]
    settings.EDPOOL_EDGE_MAX_AGE_SECONDS = 60
    return settings


def test_nginx_s_header_is_read_to_the_millisecond():
    assert parse_edge_time("t=1764786543.123") == dt.datetime(2025, 12, 3, 18, 29, 3, 123000, tzinfo=dt.timezone.utc)
    assert parse_edge_time("t=1764786543") == dt.datetime(2025, 12, 3, 18, 29, 3, tzinfo=dt.timezone.utc)
    assert parse_edge_time("t=1764786543.000001").microsecond == 1


@pytest.mark.parametrize("value", [
    "", "t=", "1764786543.123", "t=-1764786543.123", "t=+1764786543", "t=1764786543.", "t=.5",
    "t=1764786543.1234567", "t=1e9", "t=0x6930", "t=1764786543.123, t=1", "t=1,2", "t=1764786543.123\x00",
    "\x00", "t=\x001764786543", "t=１７６４７８６５４３", "t=99999999999999999999", "t=999999999999",
    "t=" + "9" * 5000, "T=1764786543.123", "t = 1764786543", "t=NaN", "t=inf", b"t=1764786543", None, 1764786543,
])
def test_anything_but_a_plain_time_is_refused_without_an_error(value):
    assert parse_edge_time(value) is None


def test_the_trusted_proxy_s_time_is_used(edge, clock):
    own = clock.now()
    assert received(_meta(own - dt.timedelta(seconds=4.5)), own) == (own - dt.timedelta(seconds=4.5), EDGE)
    # any address of a trusted network, IPv6, and an IPv4 address written the IPv6 way
    for remote in ("192.0.2.7", "2001:db8::5", f"::ffff:{NGINX}"):
        assert received(_meta(own - dt.timedelta(seconds=1), remote), own)[1] == EDGE, remote


@pytest.mark.parametrize("remote", ["203.0.113.9", "127.0.0.1", "192.0.2.8", "2001:db8:0:1::5", "", "unknown",
                                    None, "10.0.0.10\x00", "10.0.0.10, 10.0.0.10"])
def test_a_header_from_anyone_else_is_ignored(edge, clock, remote):
    """A client sending X-Request-Start itself (a forgery to get a late bid in) changes nothing,
    whatever X-Forwarded-For says: only the connection's own address counts."""
    own = clock.now()
    meta = _meta(own - dt.timedelta(seconds=5), remote)
    meta["HTTP_X_FORWARDED_FOR"] = NGINX
    assert received(meta, own) == (own, SERVER)


def test_no_proxy_is_trusted_by_default(settings, clock):
    own = clock.now()
    assert settings.EDPOOL_EDGE_PROXIES == []
    assert received(_meta(own - dt.timedelta(seconds=5), "127.0.0.1"), own) == (own, SERVER)


def test_the_edge_time_never_moves_a_request_later_nor_far_earlier(edge, clock, caplog):
    own = clock.now()
    # A proxy clock ahead of the server's: the server's own time (never later than it).
    assert received(_meta(own + dt.timedelta(milliseconds=400)), own) == (own, SERVER)
    # Exactly the bound back: still believed; beyond it (a stuck proxy, a wrong clock): refused, logged.
    assert received(_meta(own - dt.timedelta(seconds=60)), own) == (own - dt.timedelta(seconds=60), EDGE)
    with caplog.at_level(logging.WARNING, logger="core.received"):
        assert received(_meta(own - dt.timedelta(seconds=60.001)), own) == (own, SERVER)
        assert received(_meta(own - dt.timedelta(days=400)), own) == (own, SERVER)
        assert received(_meta(own + dt.timedelta(hours=3)), own) == (own, SERVER)
        assert received(_meta("t=garbage\x00"), own) == (own, SERVER)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 4 and "EDPOOL_EDGE_MAX_AGE_SECONDS" in messages[0] and "ahead" in messages[2]
    assert "\x00" not in "".join(messages)
    edge.EDPOOL_EDGE_MAX_AGE_SECONDS = 5
    assert received(_meta(own - dt.timedelta(seconds=6)), own) == (own, SERVER)


def test_the_middleware_stamps_the_edge_time_and_says_so(edge, clock):
    own = clock.now()
    at_edge = (own - dt.timedelta(seconds=2)).replace(microsecond=250000)
    request = RequestFactory().put("/api/v1/solicitations/1/bid", b"{}", content_type="application/json",
                                   REMOTE_ADDR=NGINX, HTTP_X_REQUEST_START=_header(at_edge))
    seen = {}
    ReceivedAtMiddleware(lambda r: seen.update(at=r.received_at, clock=r.received_clock))(request)
    assert seen == {"at": at_edge, "clock": EDGE}
    forged = RequestFactory().put("/api/v1/solicitations/1/bid", b"{}", content_type="application/json",
                                  REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_START=_header(at_edge))
    ReceivedAtMiddleware(lambda r: seen.update(at=r.received_at, clock=r.received_clock))(forged)
    assert seen == {"at": own, "clock": SERVER}


def test_the_settings_refuse_an_address_that_is_not_one():
    script = (
        "import importlib, os\n"
        "import edpool.settings as s\n"
        "for proxies, age in (('', '60'), (' 10.0.0.10 , 10.0.1.0/24,::1', '120'), ('nginx.internal', '60'),\n"
        "                     ('10.0.0.10', '0'), ('10.0.0.10', 'nan')):\n"
        "    os.environ.update(EDPOOL_EDGE_PROXIES=proxies, EDPOOL_EDGE_MAX_AGE_SECONDS=age)\n"
        "    try:\n"
        "        importlib.reload(s)\n"
        "        print(s.EDPOOL_EDGE_PROXIES, s.EDPOOL_EDGE_MAX_AGE_SECONDS)\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__)\n"
    )
    env = {**os.environ, "EDPOOL_ENV_FILE": "", "SECRET_KEY": "x" * 50}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:5] == ["[] 60.0", "['10.0.0.10', '10.0.1.0/24', '::1'] 120.0", "ImproperlyConfigured",
                       "ImproperlyConfigured", "ImproperlyConfigured"]


def test_the_deploy_check_warns_behind_a_proxy_that_is_not_trusted_for_the_time(settings):
    from django.core.checks import registry

    from core.checks import edge_clock_check

    assert edge_clock_check in registry.registry.get_checks(include_deployment_checks=True)
    settings.TRUSTED_PROXY_COUNT, settings.EDPOOL_EDGE_PROXIES = 1, []
    assert [w.id for w in edge_clock_check(None)] == ["core.W001"]
    settings.EDPOOL_EDGE_PROXIES = ["10.0.0.10"]
    assert edge_clock_check(None) == []
    settings.TRUSTED_PROXY_COUNT, settings.EDPOOL_EDGE_PROXIES = 0, []  # no proxy at all: nothing to say
    assert edge_clock_check(None) == []

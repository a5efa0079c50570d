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

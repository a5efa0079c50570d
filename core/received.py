"""When the server received a request: the moment a sealed bid is judged by.

`ReceivedAtMiddleware`, first in the chain, stamps `request.received_at` (aware, UTC) as the
request reaches Django. Behind a trusted reverse proxy (`TRUSTED_PROXY_COUNT` > 0) that sends
`X-Request-Start: t=<seconds since the epoch>` (nginx: `proxy_set_header X-Request-Start
"t=${msec}";`), the proxy's time is used instead, so the time a request waited for a free
application worker counts as received; a header more than a minute old or in the future is
ignored.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from django.conf import settings
from django.utils import timezone

_HEADER = re.compile(r"^t=(\d{9,11}(?:\.\d{1,6})?)$")
MAX_PROXY_AGE_SECONDS = 60


def received_at_of(request) -> Optional[dt.datetime]:
    return getattr(request, "received_at", None)


def _from_proxy(request, now: float) -> Optional[float]:
    if not int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0):
        return None
    match = _HEADER.match(request.META.get("HTTP_X_REQUEST_START", "").strip())
    if not match:
        return None
    stamp = float(match.group(1))
    return stamp if now - MAX_PROXY_AGE_SECONDS <= stamp <= now else None


class ReceivedAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()  # the project's clock (tests move it)
        stamp = _from_proxy(request, now.timestamp())
        request.received_at = dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc) if stamp else now
        return self.get_response(request)

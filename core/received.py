"""When the server received a request: the moment a sealed bid is judged by.

`ReceivedAtMiddleware`, first in the chain, stamps `request.received_at` (aware, UTC) on the
server's own clock once the whole request is in: for a request with a body, after reading the body
(so a client cannot start a request before the deadline and finish sending it after). No header a
client could send (such as a proxy's `X-Request-Start`) is trusted for it: a forged one would let
a late bid in. Time a request spends waiting for a free application worker before it reaches
Django is not counted as received: size the workers for the rush (see `bench/deadline_rush.py`).

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.core.exceptions import RequestDataTooBig
from django.utils import timezone


def received_at_of(request) -> Optional[dt.datetime]:
    return getattr(request, "received_at", None)


class ReceivedAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            try:
                request.body  # noqa: B018 - read the whole request before stamping it
            except RequestDataTooBig:
                pass  # a large upload: Django streams it, and answers for its size itself
        request.received_at = timezone.now()  # the project's clock (tests move it)
        return self.get_response(request)

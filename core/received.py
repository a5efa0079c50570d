"""When the server received a request: the moment a sealed bid is judged by.

`ReceivedAtMiddleware`, first in the chain, stamps `request.received_at` (aware, UTC) as the
request reaches Django, on the server's own clock. No header a client could send (such as a
proxy's `X-Request-Start`) is trusted for it: a forged one would let a late bid in.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.utils import timezone


def received_at_of(request) -> Optional[dt.datetime]:
    return getattr(request, "received_at", None)


class ReceivedAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.received_at = timezone.now()  # the project's clock (tests move it)
        return self.get_response(request)

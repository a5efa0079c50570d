"""The request id: one per request, in every log line of it, in the response's X-Request-ID
header, in the background job it queues and in the audit events it records (README "Operating
EdPool").

nginx sends its own `$request_id` as X-Request-ID so that its access log and EdPool's logs share
the id; a sane incoming id (8 to 64 letters, digits, `.`, `_`, `:` or `-`) is kept, anything else
is replaced by a fresh one. The id lives in structlog's context variables (django-structlog's
RequestMiddleware binds it for the request; `request_id_bound` does it for a job in the worker),
so logs, audit events and jobs read the same value.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from typing import Iterator, Optional

import structlog
from django.utils.log import log_response

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
MAX_LENGTH = 64
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def sane_request_id(value: object) -> Optional[str]:
    """`value` if it is a usable request id, else None (never an error: the header is untrusted)."""
    if isinstance(value, str) and _SANE.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> Optional[str]:
    """The id of the request (or of the request that queued the job) being handled, or None."""
    return sane_request_id(structlog.contextvars.get_contextvars().get("request_id"))


@contextmanager
def request_id_bound(value: Optional[str], **more: object) -> Iterator[None]:
    """Work done inside carries `value` as its request id (the worker, for a job a request queued);
    an empty or insane value binds nothing but `more`."""
    bind = dict(more)
    if sane_request_id(value):
        bind["request_id"] = value
    with structlog.contextvars.bound_contextvars(**bind):
        yield


class RequestIdMiddleware:
    """Give every request its id before django-structlog's middleware binds it for the logs, and
    echo it in the response. Place it right before `django_structlog.middlewares.RequestMiddleware`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = sane_request_id(request.META.get(META_KEY)) or new_request_id()
        request.META[META_KEY] = request_id
        request.__dict__.pop("headers", None)  # request.headers is cached: read it afresh
        request.request_id = request_id
        response = self.get_response(request)
        response[HEADER] = request_id
        if response.status_code >= 400 and not getattr(response, "_has_been_logged", False):
            # Django logs an answer of 400 or more ("Not Found: /path") once the middleware has
            # returned, when django-structlog has already unbound the id: log it here instead
            # (Django then leaves it), with the id.
            with request_id_bound(request_id):
                log_response("%s: %s", response.reason_phrase, request.path, response=response,
                             request=request)
        return response

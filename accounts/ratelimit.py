"""Login rate limiting: too many failed sign-ins for one email, or from one address, lock
sign-in for a while. Counts live in the cache (Redis in production, see settings)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    return "login-fail:%s:%s" % (kind, hashlib.sha256(value.lower().encode()).hexdigest()[:32])


def login_blocked(*, email: str, ip: str) -> bool:
    return (cache.get(_key("email", email), 0) >= settings.LOGIN_FAILURE_LIMIT
            or cache.get(_key("ip", ip), 0) >= settings.LOGIN_IP_FAILURE_LIMIT)


def login_failed(*, email: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in (_key("email", email), _key("ip", ip)):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)


def login_succeeded(*, email: str) -> None:
    cache.delete(_key("email", email))


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"

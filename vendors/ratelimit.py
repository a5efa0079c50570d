"""Rate limiting vendor self-registration: at most VENDOR_REGISTRATION_LIMIT attempts (default 10)
per client address per VENDOR_REGISTRATION_WINDOW_SECONDS (default one hour), counted in the
cache like the sign-in limits (accounts.ratelimit). The web form and the API share the count."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _limit() -> int:
    return int(getattr(settings, "VENDOR_REGISTRATION_LIMIT", 10))


def _window() -> int:
    return int(getattr(settings, "VENDOR_REGISTRATION_WINDOW_SECONDS", 3600))


def _key(ip: str) -> str:
    return "vendor-register:%s" % hashlib.sha256(ip.encode()).hexdigest()[:32]


def registration_attempt(*, ip: str) -> bool:
    """Count one registration attempt from `ip`; False once the address is over the limit."""
    key = _key(ip)
    if cache.add(key, 1, _window()):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, _window())
            count = 1
    return count <= _limit()


REGISTRATION_LIMITED_MESSAGE = ("Too many registrations from your network in the last hour. "
                                "Wait an hour and try again, or contact the consortium.")

"""Rate limiting vendor self-registration: at most VENDOR_REGISTRATION_LIMIT attempts (default 10)
per client address per VENDOR_REGISTRATION_WINDOW_SECONDS (default one hour), counted in the
cache like the sign-in limits (accounts.ratelimit). The web form and the API share the count."""

from __future__ import annotations

from django.conf import settings

from core.ratelimit import digest, hit


def _limit() -> int:
    return int(getattr(settings, "VENDOR_REGISTRATION_LIMIT", 10))


def _window() -> int:
    return int(getattr(settings, "VENDOR_REGISTRATION_WINDOW_SECONDS", 3600))


def registration_attempt(*, ip: str) -> bool:
    """Count one registration attempt from `ip`; False once the address is over the limit."""
    return hit(f"vendor-register:{digest(ip)}", _window()) <= _limit()


REGISTRATION_LIMITED_MESSAGE = ("Too many registrations from your network in the last hour. "
                                "Wait an hour and try again, or contact the consortium.")

"""Rate limiting the public OCDS API: at most OCDS_API_LIMIT requests (default 120) per client
address per OCDS_API_WINDOW_SECONDS (default one minute), counted in the shared cache like the
other public limits (vendors.ratelimit, accounts.ratelimit)."""

from __future__ import annotations

from django.conf import settings

from core.ratelimit import digest, hit

LIMITED_MESSAGE = ("Too many open-data requests from your network in the last minute. Wait a "
                   "minute, or download the whole export once (`edpool export-ocds`) instead.")


def _limit() -> int:
    return int(getattr(settings, "OCDS_API_LIMIT", 120))


def _window() -> int:
    return int(getattr(settings, "OCDS_API_WINDOW_SECONDS", 60))


def ocds_request_allowed(*, ip: str) -> bool:
    """Count one request from `ip`; False once the address is over the limit."""
    return hit(f"ocds-api:{digest(ip)}", _window()) <= _limit()
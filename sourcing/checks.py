"""Deployment checks for sealed bids (`edpool check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def bid_sealing_key_check(app_configs, **kwargs):
    """Production must set BID_SEALING_KEY: without it bids are sealed under a key derived from
    SECRET_KEY, and rotating SECRET_KEY would make every unopened bid unreadable."""
    if settings.DEBUG:
        return []
    key = getattr(settings, "BID_SEALING_KEY", "") or ""
    if not key:
        return [Error(
            "BID_SEALING_KEY is not set: sealed bids are encrypted under a key derived from "
            "SECRET_KEY, so rotating SECRET_KEY would make every unopened bid unreadable.",
            hint=("Set BID_SEALING_KEY to 48+ random characters (python -c \"import secrets; "
                  "print(secrets.token_urlsafe(48))\") and back it up apart from the database. If "
                  "this site already holds sealed bids, set it to 'derived-from-secret-key:' "
                  "followed by the current SECRET_KEY: that is the key they were sealed with."),
            id="sourcing.E001")]
    if len(key) < MIN_KEY_LENGTH:
        return [Warning(f"BID_SEALING_KEY has {len(key)} characters; use 48+ random characters.",
                        id="sourcing.W001")]
    return []

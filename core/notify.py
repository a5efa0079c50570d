"""Sending notices by email once the transaction that caused them has committed."""

from __future__ import annotations

from typing import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


def notify(*, recipients: Iterable[str], subject: str, body: str) -> int:
    """Queue one email per recipient (deduplicated); sent after commit, never on rollback."""
    to = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    if not to:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(to)

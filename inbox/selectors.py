"""Reading a person's inbox: only their own notices, ever."""

from __future__ import annotations

from typing import Optional

from django.db.models import QuerySet

from inbox.models import Notice


def notices_of(user) -> QuerySet[Notice]:
    """The user's notices, newest first."""
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def notice_of(user, notice_id: int) -> Optional[Notice]:
    """One of the user's notices; None for a notice that is someone else's (or none at all)."""
    return Notice.objects.filter(pk=notice_id, recipient=user).first()


def unread_count(user) -> int:
    """One COUNT over the partial index of unread notices."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()

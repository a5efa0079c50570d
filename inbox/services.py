"""Writing notices: storing them (the hook core.notify calls) and marking them read.

Reading a notice is not audited: it changes nothing anyone else can see (README, "Inbox"). A
notice belongs to one person, so these take the signed-in user, not a role: someone between
roles still reads their inbox.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from core import clock

from inbox.models import Notice

SUBJECT_MAX = Notice._meta.get_field("subject").max_length


def notices_store(*, recipients: list[str], subject: str, body: str, link: str) -> int:
    """One unread notice per active user among these addresses, in the caller's transaction (a
    rollback stores none). Addresses without an account (yet) get the email only."""
    users = get_user_model().objects.filter(email__in=recipients, is_active=True).values_list("pk", flat=True)
    now = clock.now()
    subject = subject.replace("\x00", "")
    if len(subject) > SUBJECT_MAX:
        subject = subject[:SUBJECT_MAX - 1] + "…"
    created = Notice.objects.bulk_create([
        Notice(recipient_id=pk, subject=subject, body=body.replace("\x00", ""), link=link, created_at=now)
        for pk in users])
    return len(created)


@transaction.atomic
def notice_mark_read(*, notice: Notice, user) -> Notice:
    """Mark one of the user's notices read (once: the first reading's time stays). Callers find
    it with `selectors.notice_of`, so another person's notice is simply not found (404)."""
    if notice.recipient_id != user.pk:
        raise PermissionDenied("Only its recipient reads a notice.")
    if notice.read_at is None:
        notice.read_at = clock.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


@transaction.atomic
def notices_mark_all_read(*, user) -> int:
    """Mark every unread notice of the user read; how many were."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())

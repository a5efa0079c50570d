from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inbox.models import Notice


def add_notices(user, count: int, *, link: str = "/orders/1/", read: bool = False,
                after_minutes: int = 0) -> list[Notice]:
    """`count` notices for `user`, a minute apart (the last is the newest), the first
    `after_minutes` + 1 minutes after an hour ago."""
    start = timezone.now() - dt.timedelta(hours=1) + dt.timedelta(minutes=after_minutes)
    return [Notice.objects.create(recipient=user, subject=f"Notice {i}", body=f"Body {i}", link=link,
                                  created_at=start + dt.timedelta(minutes=i),
                                  read_at=timezone.now() if read else None)
            for i in range(1, count + 1)]

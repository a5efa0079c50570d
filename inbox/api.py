"""API: my inbox. Only the caller's own notices: another person's id answers 404."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from django.http import Http404
from ninja import Field, Router, Schema

from accounts.access import api_signed_in
from accounts.api_auth import API_AUTH
from core.api_types import Id, Page, page_size
from core.notify import absolute_url
from inbox import selectors, services
from inbox.models import Notice

router = Router(tags=["inbox"])


class NoticeOut(Schema):
    id: int
    subject: str
    body: str
    link: str = Field(description="The page to open, a path on this site (empty: none).")
    url: str = Field(description="The same page as an absolute URL (SITE_URL + link; empty: none).")
    created_at: datetime = Field(description="When the event happened.")
    read_at: Optional[datetime] = Field(description="When it was first opened; null while unread.")


class InboxOut(Schema):
    count: int
    unread: int
    page: int
    pages: int
    results: list[NoticeOut]


def notice_out(notice: Notice) -> dict:
    return {"id": notice.pk, "subject": notice.subject, "body": notice.body, "link": notice.link,
            "url": absolute_url(notice.link) if notice.link else "",
            "created_at": notice.created_at, "read_at": notice.read_at}


@router.get("/inbox", response=InboxOut, auth=API_AUTH)
@api_signed_in
def inbox_list(request, page: Page = 1, page_size: page_size(200) = 50):
    """My notices, newest first, with how many are unread."""
    qs = selectors.notices_of(request.user)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = max(1, min(page, pages))
    rows = qs[(page - 1) * page_size: page * page_size]
    return {"count": count, "unread": selectors.unread_count(request.user), "page": page, "pages": pages,
            "results": [notice_out(n) for n in rows]}


@router.post("/inbox/{notice_id}/read", response=NoticeOut, auth=API_AUTH)
@api_signed_in
def inbox_read(request, notice_id: Id):
    """Mark one of my notices read (not audited: it changes nothing others see)."""
    notice = selectors.notice_of(request.user, notice_id)
    if notice is None:
        raise Http404("No such notice in your inbox.")
    return notice_out(services.notice_mark_read(notice=notice, user=request.user))

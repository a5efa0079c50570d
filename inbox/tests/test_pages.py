"""/inbox/ and the header's unread count."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.context_processors import inbox as inbox_context
from inbox.models import Notice
from inbox.tests.conftest import add_notices
from inbox.views import PAGE_SIZE
from tests.cast import PASSWORD


def sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_my_notices_newest_first_unread_bold(client, cast):
    add_notices(cast.buyer_a, 2, read=True)
    add_notices(cast.buyer_a, 1, after_minutes=10)  # "Notice 1" again, unread and newest
    add_notices(cast.buyer_b, 1, link="/secret/")
    sign_in(client, cast.buyer_a)
    page = client.get("/inbox/").content.decode()
    subjects = re.findall(r"(?:<strong>)?Notice \d", page)
    assert subjects[0] == "<strong>Notice 1" and "<strong>" not in "".join(subjects[1:])
    assert page.count('class="notice unread"') == 1 and page.count('class="notice"') == 2
    assert "/secret/" not in page
    assert "Mark all read" in page


def test_paginated(client, cast):
    add_notices(cast.staff, PAGE_SIZE + 3)
    sign_in(client, cast.staff)
    first = client.get("/inbox/").content.decode()
    assert f"Notice {PAGE_SIZE + 3}" in first and "Older notices" in first and ">Notice 3<" not in first
    second = client.get("/inbox/?page=2").content.decode()
    assert "Notice 1" in second and "Newer notices" in second


def test_opening_marks_read_and_goes_to_the_link(client, cast):
    notice, = add_notices(cast.buyer_a, 1, link="/orders/12/")
    sign_in(client, cast.buyer_a)
    response = client.post(f"/inbox/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/orders/12/"
    notice.refresh_from_db()
    first_read = notice.read_at
    assert first_read is not None
    client.post(f"/inbox/{notice.pk}/open/")
    notice.refresh_from_db()
    assert notice.read_at == first_read  # the first reading's time stays


def test_a_notice_without_a_link_opens_the_inbox(client, cast):
    notice, = add_notices(cast.buyer_a, 1, link="")
    sign_in(client, cast.buyer_a)
    assert client.post(f"/inbox/{notice.pk}/open/")["Location"] == "/inbox/"


def test_someone_elses_notice_is_not_found_and_stays_unread(client, cast):
    theirs, = add_notices(cast.buyer_b, 1)
    sign_in(client, cast.buyer_a)
    assert client.post(f"/inbox/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_only_touches_mine(client, cast):
    add_notices(cast.buyer_a, 3)
    add_notices(cast.buyer_b, 2)
    sign_in(client, cast.buyer_a)
    assert client.post("/inbox/read-all/")["Location"] == "/inbox/"
    assert not Notice.objects.filter(recipient=cast.buyer_a, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=cast.buyer_b, read_at__isnull=True).count() == 2


def test_reading_is_not_audited(client, cast):
    from audit.models import AuditEvent

    notice, = add_notices(cast.buyer_a, 1)
    sign_in(client, cast.buyer_a)
    before = AuditEvent.objects.count()
    client.post(f"/inbox/{notice.pk}/open/")
    client.post("/inbox/read-all/")
    assert AuditEvent.objects.count() == before


def test_header_shows_the_unread_count_on_every_signed_in_page(client, cast):
    add_notices(cast.approver_a, 3)
    add_notices(cast.approver_a, 2, read=True)
    add_notices(cast.buyer_a, 4)
    sign_in(client, cast.approver_a)
    for url in ("/", "/account/", "/members/"):
        page = client.get(url).content.decode()
        assert 'aria-label="Inbox, 3 unread"' in page and ">Inbox (3)</a>" in page, url
    client.logout()
    assert "Inbox (" not in client.get("/").content.decode()


def test_the_count_is_one_query_and_none_when_unused(rf, cast):
    add_notices(cast.buyer_a, 2)
    request = rf.get("/")
    request.user = cast.buyer_a
    with CaptureQueriesContext(connection) as queries:
        context = inbox_context(request)
    assert len(queries) == 0  # counted only when a template shows it
    with CaptureQueriesContext(connection) as queries:
        assert context["inbox_unread"]() == 2 and context["inbox_unread"]() == 2
    assert len(queries) == 1


def test_the_service_refuses_someone_elses_notice(cast):
    import pytest
    from django.core.exceptions import PermissionDenied

    from inbox.services import notice_mark_read

    theirs, = add_notices(cast.buyer_b, 1)
    with pytest.raises(PermissionDenied):
        notice_mark_read(notice=theirs, user=cast.buyer_a)

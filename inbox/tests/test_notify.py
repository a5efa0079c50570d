"""core.notify with the inbox's hook: a notice per recipient in the same transaction as the
change, an email after commit ending with the absolute URL of the link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from accounts.services import user_create_or_update
from core.notify import absolute_url, check_link, notify
from inbox.models import Notice
from tests.cast import SYSTEM


def test_a_notice_per_known_recipient_and_an_email_with_the_absolute_link(
        cast, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://edpool.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(recipients=[cast.buyer_a.email, cast.buyer_a.email.upper(), "nobody@example.org"],
                      subject="Approve order O-1", body="Above your limit.", link="/orders/12/")
    assert sent == 2  # deduplicated, case-insensitively
    notice = Notice.objects.get()  # nobody@ has no account: email only
    assert (notice.recipient, notice.subject, notice.body, notice.link, notice.read_at) == (
        cast.buyer_a, "Approve order O-1", "Above your limit.", "/orders/12/", None)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.buyer_a.email, "nobody@example.org"])
    assert mail.outbox[0].body == "Above your limit.\n\nOpen it in EdPool: https://edpool.example.org/orders/12/\n"


def test_rollback_leaves_no_notice_and_sends_no_email(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipients=[cast.buyer_a.email], subject="S", body="B", link="/inbox/")
                assert Notice.objects.count() == 1  # stored with the change, inside its transaction
                raise RuntimeError("the change failed")
    assert Notice.objects.count() == 0
    assert callbacks == [] and mail.outbox == []


def test_email_only_notices_and_inactive_users_get_no_inbox_row(cast, django_capture_on_commit_callbacks):
    dormant, _ = user_create_or_update(email="dormant@example.org", full_name="Dormant", actor=SYSTEM)
    dormant.is_active = False
    dormant.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.buyer_a.email], subject="Your link", body="Secret", link="/x/", inbox=False)
        notify(recipients=[dormant.email], subject="Hello", body="B", link="/x/")
    assert Notice.objects.count() == 0
    assert len(mail.outbox) == 2


def test_without_a_link_the_email_has_no_url(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.staff.email], subject="S", body="Body")
    assert mail.outbox[0].body == "Body\n"
    assert Notice.objects.get().link == ""


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "orders/1/", "/\\evil"])
def test_links_are_paths_on_this_site(link):
    with pytest.raises(ValueError):
        check_link(link)


def test_absolute_url_joins_site_url_and_path(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert absolute_url("/inbox/") == "http://127.0.0.1:8000/inbox/"


def test_long_subjects_are_shortened_to_the_column(cast):
    notify(recipients=[cast.staff.email], subject="x" * 400, body="B", link="/")
    assert len(Notice.objects.get().subject) == Notice._meta.get_field("subject").max_length

"""edpool tick reminds vendors of missing sales reports: 15 days before the due date, and on it
(to staff too); each reminder once, none for a quarter already reported."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.management import call_command

from reports.models import ReportReminder
from reports.services import sales_report_submit
from reports.tests.conftest import moment


def run_tick(capsys, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick")
    return capsys.readouterr().out


def test_reminders_are_sent_once_each(cast, quarter, clock, capsys, django_capture_on_commit_callbacks):
    tick = lambda: run_tick(capsys, django_capture_on_commit_callbacks)  # noqa: E731
    assert "sales report reminders sent: 0" in tick()
    clock.set(moment(quarter.end + dt.timedelta(days=1)))
    assert "sales report reminders sent: 0" in tick()  # ended, not yet 15 days before the due date
    clock.set(moment(quarter.reminder_on - dt.timedelta(days=1)))
    assert "sales report reminders sent: 0" in tick()
    clock.set(moment(quarter.reminder_on))
    assert "sales report reminders sent: 2" in tick()  # vendors A and B have an agreement each
    sent = len(mail.outbox)
    assert {tuple(m.to) for m in mail.outbox} == {("sales@vendor-a.example",), ("sales@vendor-b.example",)}
    assert all(f"due {quarter.due:%Y-%m-%d}" in m.subject for m in mail.outbox)
    assert "sales report reminders sent: 0" in tick() and len(mail.outbox) == sent  # twice: nothing more
    # vendor A reports; only vendor B is reminded on the due date, with staff told too
    sales_report_submit(agreement=cast.agreement, quarter=quarter, lines=[], actor=cast.actor(cast.vendor_user_a))
    clock.set(moment(quarter.due))
    mail.outbox.clear()
    assert "sales report reminders sent: 1" in tick()
    assert {m.to[0] for m in mail.outbox} == {"sales@vendor-b.example", "staff@example.org"}
    assert "is due today" in mail.outbox[0].subject
    clock.advance(days=10)
    assert "sales report reminders sent: 0" in tick()
    assert sorted(ReportReminder.objects.values_list("kind", flat=True)) == ["before_due", "before_due", "due"]


def test_a_late_first_run_sends_only_the_due_reminder(cast, quarter, clock, capsys, django_capture_on_commit_callbacks):
    clock.set(moment(quarter.due + dt.timedelta(days=3)))
    out = run_tick(capsys, django_capture_on_commit_callbacks)
    assert "sales report reminders sent: 2" in out
    assert set(ReportReminder.objects.values_list("kind", flat=True)) == {"due"}
    assert all("is overdue" in m.subject for m in mail.outbox)
